package client

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/envelope"
	"github.com/emsg-project/emsg/reference/protocol/keys"
	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/reference/resolve"
)

// offline is bob's client without a server, holding alice as a contact,
// for feeding it stream events directly.
func offline(t *testing.T, bob, alice *keys.Identity) *Client {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "bob")
	if err := SaveIdentity(dir, bob); err != nil {
		t.Fatal(err)
	}
	c := openClient(t, dir, resolve.Table{})
	if _, err := c.updateContact(alice.Address(), rawBundles(t, alice.Bundle()), func(ct *Contact) { ct.State = Accepted }); err != nil {
		t.Fatal(err)
	}
	return c
}

// sealed seals body from sender to "to" with fresh seeded randomness and
// the wall clock, and applies edit to its JSON.
func sealed(t *testing.T, sender *keys.Identity, to *keys.Identity, body string, edit func([]byte) []byte) json.RawMessage {
	t.Helper()
	env, _, err := envelope.Seal(testDeps(t), sender, to.Address(),
		map[address.Address]*[32]byte{to.Address(): to.BoxPublic()}, json.RawMessage(body), envelope.Options{TTL: 3600})
	if err != nil {
		t.Fatal(err)
	}
	raw, err := json.Marshal(env)
	if err != nil {
		t.Fatal(err)
	}
	if edit != nil {
		raw = edit(raw)
	}
	return raw
}

// envelopeEvent wraps an envelope as the event of a frame.
func envelopeEvent(env json.RawMessage) json.RawMessage {
	return json.RawMessage(fmt.Sprintf(`{"kind":"envelope","envelope":%s}`, env))
}

// TestProcessEnvelopes: each envelope event is shown as a message once,
// or reported as what it is and never as a message from the claimed
// sender (section 3, "Opening an envelope").
func TestProcessEnvelopes(t *testing.T) {
	alice, bob := newTestIdentity(t, "alice#a.test"), newTestIdentity(t, "bob#a.test")
	carol := newTestIdentity(t, "carol#a.test")
	eve, err := keys.NewIdentity(wire.Seeded("eve", time.Now()), alice.Address()) // Alice's address, not her keys
	if err != nil {
		t.Fatal(err)
	}
	c := offline(t, bob, alice)
	text := `{"type":"text","text":"hi bob"}`
	hello := sealed(t, alice, bob, text, nil)
	flip := func(field string) func([]byte) []byte {
		return func(raw []byte) []byte {
			var m map[string]any
			json.Unmarshal(raw, &m)
			switch field {
			case "ts":
				m["ts"] = m["ts"].(float64) + 1
			case "v":
				m["v"] = 2
			case "payload":
				p, _ := wire.DecodeBytes(m["payload"].(string))
				p[len(p)-1] ^= 1
				m["payload"] = wire.EncodeBytes(p)
			}
			out, _ := json.Marshal(m)
			return out
		}
	}

	// Rows run in order on one client: the dedupe rows rely on the first.
	tests := []struct {
		name        string
		seq         uint64
		env         json.RawMessage
		wantText    string     // a message with this text, or
		unsupported bool       // an unsupported message, or
		wantNotice  NoticeKind // this notice; nothing at all when all are zero
	}{
		// happy path
		{"a text message from a contact", 1, hello, "hi bob", false, ""},
		{"a vendor body is shown as unsupported", 2, sealed(t, alice, bob, `{"type":"vnd.example.com.poll","q":"tea?"}`, nil), "", true, ""},
		// redelivery
		{"the same message at a later seq is not shown again", 4, hello, "", false, ""},
		{"an event replayed at a processed seq changes nothing", 2, sealed(t, alice, bob, text, nil), "", false, ""},
		// sad path
		{"not wrapped for this account", 5, sealed(t, alice, carol, text, nil), "", false, Undecryptable},
		{"a payload that does not decrypt", 6, sealed(t, alice, bob, text, flip("payload")), "", false, Undecryptable},
		{"signed with keys that are not the sender's", 7, sealed(t, eve, bob, text, nil), "", false, Forged},
		{"routing fields differ from the signed ones", 8, sealed(t, alice, bob, text, flip("ts")), "", false, Forged},
		{"a version other than 1", 9, sealed(t, alice, bob, text, flip("v")), "", false, UnsupportedVersion},
		{"a sender whose keys are not held", 10, sealed(t, carol, bob, text, nil), "", false, UnknownSender},
		{"an envelope that is not one", 11, json.RawMessage(`{"from":"alice#a.test","id":"x"}`), "", false, Forged},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := c.process(tt.seq, envelopeEvent(tt.env))
			if err != nil {
				t.Fatal(err)
			}
			wantMessages := 0
			if tt.wantText != "" || tt.unsupported {
				wantMessages = 1
			}
			if len(out.messages) != wantMessages {
				t.Fatalf("%d messages (%+v), want %d", len(out.messages), out.messages, wantMessages)
			}
			if wantMessages == 1 {
				m := out.messages[0]
				if m.From != alice.Address() || m.Text != tt.wantText || m.Unsupported != tt.unsupported {
					t.Fatalf("message %+v, want text %q unsupported %v", m, tt.wantText, tt.unsupported)
				}
			}
			if tt.wantNotice == "" {
				if len(out.notices) != 0 {
					t.Fatalf("notices %+v, want none", out.notices)
				}
				return
			}
			if len(out.notices) != 1 || out.notices[0].Kind != tt.wantNotice || out.notices[0].Seq != tt.seq {
				t.Fatalf("notices %+v, want one %s", out.notices, tt.wantNotice)
			}
		})
	}
	if last, _ := c.store.lastSeq(); last != 11 {
		t.Fatalf("last seq %d, want 11", last)
	}
}

// TestProcessContactEvents: contact events update the local contacts, and
// a bundle that does not chain from the one held is refused and flagged.
func TestProcessContactEvents(t *testing.T) {
	alice, bob := newTestIdentity(t, "alice#a.test"), newTestIdentity(t, "bob#a.test")
	dave := newTestIdentity(t, "dave#a.test")
	alice1 := rotate(t, alice, "alice1")
	eve, err := keys.NewIdentity(wire.Seeded("eve", time.Now()), alice.Address())
	if err != nil {
		t.Fatal(err)
	}
	c := offline(t, bob, alice)
	bundle := func(id *keys.Identity) string { return string(rawBundles(t, id.Bundle())[0]) }

	tests := []struct {
		name      string
		event     string
		want      []NoticeKind
		peer      address.Address
		state     State
		chainLen  int
		isWarning bool
	}{
		// happy path
		{"a request with the requester's bundle", fmt.Sprintf(`{"kind":"contact_request","request":{"id":"01HF7YAT00ZZZZZZZZZZZZZZZZ","from":"dave#a.test","to":"bob#a.test","bundle":%s,"note":"hey","ts":1}}`, bundle(dave)),
			[]NoticeKind{ContactRequested}, dave.Address(), PendingIn, 1, false},
		{"a rotation that chains", fmt.Sprintf(`{"kind":"key_rotated","address":"alice#a.test","bundle":%s}`, bundle(alice1)),
			[]NoticeKind{KeyRotated}, alice.Address(), Accepted, 2, false},
		{"a decline", `{"kind":"contact_declined","address":"dave#a.test"}`,
			[]NoticeKind{ContactDeclined}, dave.Address(), Declined, 1, false},
		// sad path
		{"a rotation to keys that do not chain", fmt.Sprintf(`{"kind":"key_rotated","address":"alice#a.test","bundle":%s}`, bundle(eve)),
			[]NoticeKind{KeyRefused}, alice.Address(), Accepted, 2, true},
		{"an acceptance with other keys than those held", fmt.Sprintf(`{"kind":"contact_accepted","address":"alice#a.test","bundle":%s}`, bundle(eve)),
			[]NoticeKind{KeyRefused, ContactAccepted}, alice.Address(), Accepted, 2, true},
		{"an event this client cannot read (a group event without a group)", `{"kind":"group","group_event":{}}`,
			nil, dave.Address(), Declined, 1, false},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := c.process(uint64(i+1), json.RawMessage(tt.event))
			if err != nil {
				t.Fatal(err)
			}
			var kinds []NoticeKind
			for _, n := range out.notices {
				kinds = append(kinds, n.Kind)
			}
			if fmt.Sprint(kinds) != fmt.Sprint(tt.want) {
				t.Fatalf("notices %v, want %v", kinds, tt.want)
			}
			ct, _, err := c.Contact(tt.peer)
			if err != nil || ct.State != tt.state || len(ct.Chain) != tt.chainLen || (ct.Warning != nil) != tt.isWarning {
				t.Fatalf("contact %+v (%v), want state %s, %d bundles, warning %v", ct, err, tt.state, tt.chainLen, tt.isWarning)
			}
			if tt.isWarning && !bytes.Equal(ct.Warning.Offered[0], []byte(bundle(eve))) {
				t.Fatalf("the warning keeps %s, want the bundle offered", ct.Warning.Offered[0])
			}
		})
	}
}
