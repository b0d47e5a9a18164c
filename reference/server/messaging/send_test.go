package messaging

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/reference/server/httpapi"
	"github.com/emsg-project/emsg/reference/server/store"
)

// Happy path: local delivery.

func TestSendDeliversLocallyWithAReceipt(t *testing.T) {
	w := newWorld(t)
	w.befriend("alice#a.test", "bob#a.test")
	raw := w.seal("alice#a.test", "bob#a.test", testNow, 3600)
	w.mustAccept("alice#a.test", raw)

	// DELIV-LOCAL-01, ENV-INTACT-01: bob's log holds the envelope as sent.
	evs := w.events("bob#a.test")
	if len(evs) != 1 || evs[0].Seq != 1 {
		t.Fatalf("bob has %d events, want 1 with seq 1", len(evs))
	}
	if got := member(t, evs[0].Data, "kind"); string(got) != `"envelope"` {
		t.Errorf("event kind %s, want envelope", got)
	}
	if got, want := compact(t, member(t, evs[0].Data, "envelope")), compact(t, raw); got != want {
		t.Errorf("delivered envelope differs from the one sent:\n got %s\nwant %s", got, want)
	}
	// RCPT-DELIVERED-01: alice gets a delivered receipt from bob.
	evs = w.events("alice#a.test")
	if len(evs) != 1 {
		t.Fatalf("alice has %d events, want 1 receipt", len(evs))
	}
	want := Receipt{Kind: "delivered", ID: idOf(t, raw), From: address.MustParse("bob#a.test"), To: address.MustParse("alice#a.test"), TS: wire.ToMillis(testNow)}
	if got := receiptOf(t, evs[0].Data); got != want {
		t.Errorf("receipt %+v, want %+v", got, want)
	}
	// Both streams are woken, once each, after the commit.
	if got := w.woken.take(); !slices.Equal(got, []string{"bob#a.test", "alice#a.test"}) {
		t.Errorf("woken %v, want bob then alice", got)
	}
	if n := len(w.queued("a.test")); n != 0 {
		t.Errorf("a local envelope queued %d federation items", n)
	}
}

func TestEnvelopeEventExpiresWithTheEnvelope(t *testing.T) {
	w := newWorld(t)
	w.befriend("alice#a.test", "bob#a.test")
	w.mustAccept("alice#a.test", w.seal("alice#a.test", "bob#a.test", testNow, 60))
	expires := wire.ToMillis(testNow) + 60_000
	expire := func(now wire.Millis) (n int) {
		w.update(func(tx *store.Tx) error {
			removed, _, err := tx.ExpireEvents(now, 100)
			n = len(removed)
			return err
		})
		return n
	}
	if n := expire(expires - 1); n != 0 {
		t.Errorf("%d events expired a millisecond before ts + ttl", n)
	}
	if n := expire(expires); n != 1 {
		t.Errorf("%d events expired at ts + ttl, want the envelope only", n)
	}
	if n := len(w.events("alice#a.test")); n != 1 {
		t.Errorf("the delivered receipt expired too (%d events left)", n)
	}
}

func TestSendAccepts(t *testing.T) {
	tests := []struct {
		name  string
		setup func(w *world) []byte
	}{
		// a stranger, when the recipient's accept_strangers is on
		{"stranger welcome", func(w *world) []byte {
			w.person("bob#a.test")
			w.setAccount("bob#a.test", func(a *store.Account) { a.Settings.AcceptStrangers = true })
			return w.seal("alice#a.test", "bob#a.test", testNow, 60)
		}},
		// a contact accepted only on the recipient's side is enough
		{"contact of the recipient", func(w *world) []byte {
			w.person("alice#a.test")
			w.person("bob#a.test")
			w.contact("bob#a.test", "alice#a.test", store.ContactAccepted)
			return w.seal("alice#a.test", "bob#a.test", testNow, 60)
		}},
		// ts exactly 300000 ms ahead of the server's clock is still on time (ENV-TS-01)
		{"ts at the skew limit", func(w *world) []byte {
			w.befriend("alice#a.test", "bob#a.test")
			return w.seal("alice#a.test", "bob#a.test", testNow.Add(300*time.Second), 60)
		}},
		// ttl equal to max_ttl (TTL-RANGE-01)
		{"ttl at max_ttl", func(w *world) []byte {
			w.befriend("alice#a.test", "bob#a.test")
			return w.seal("alice#a.test", "bob#a.test", testNow, w.svc.cfg.MaxTTL)
		}},
		// an envelope that expires a millisecond after it arrives (TTL-ARRIVAL-01)
		{"expiring just after arrival", func(w *world) []byte {
			w.befriend("alice#a.test", "bob#a.test")
			return w.seal("alice#a.test", "bob#a.test", testNow.Add(-999*time.Millisecond), 1)
		}},
		// the largest envelope allowed (ENV-SIZE-01)
		{"exactly max_envelope_bytes", func(w *world) []byte {
			w.befriend("alice#a.test", "bob#a.test")
			raw := w.sealText("alice#a.test", "bob#a.test", testNow, 60, "x")
			w.svc.cfg.MaxEnvelopeBytes = len(raw)
			return raw
		}},
		// a note to self wraps one key, for the sender, who accepts strangers
		{"to self", func(w *world) []byte {
			w.person("alice#a.test")
			w.setAccount("alice#a.test", func(a *store.Account) { a.Settings.AcceptStrangers = true })
			return w.seal("alice#a.test", "alice#a.test", testNow, 60)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			raw := tt.setup(w)
			w.mustAccept("alice#a.test", raw)
			if n := len(w.events(toOf(t, raw))); n == 0 {
				t.Error("nothing delivered")
			}
		})
	}
}

// toOf returns the to of an envelope.
func toOf(t *testing.T, raw []byte) string {
	t.Helper()
	var to string
	if err := json.Unmarshal(member(t, raw, "to"), &to); err != nil {
		t.Fatal(err)
	}
	return to
}

// Happy path: federation.

func TestSendQueuesARemoteEnvelope(t *testing.T) {
	w := newWorld(t)
	raw := w.seal("alice#a.test", "carol#b.test", testNow, 120)
	w.mustAccept("alice#a.test", raw)
	items := w.queued("b.test")
	if len(items) != 1 {
		t.Fatalf("%d items queued for b.test, want 1", len(items))
	}
	if got := member(t, items[0].Data, "kind"); string(got) != `"envelope"` {
		t.Errorf("item kind %s, want envelope", got)
	}
	if got, want := compact(t, member(t, items[0].Data, "envelope")), compact(t, raw); got != want {
		t.Errorf("queued envelope differs from the one sent:\n got %s\nwant %s", got, want)
	}
	if want := wire.ToMillis(testNow) + 120_000; items[0].Expires != want {
		t.Errorf("item expires %d, want ts + ttl = %d", items[0].Expires, want)
	}
	if n := len(w.events("alice#a.test")); n != 0 {
		t.Errorf("alice got %d events for a queued envelope; delivered receipts come from the destination", n)
	}
	// A retry is not queued twice.
	w.mustAccept("alice#a.test", raw)
	if n := len(w.queued("b.test")); n != 1 {
		t.Errorf("a retry queued again: %d items", n)
	}
}

// Idempotency (ENV-IDEM-01).

func TestSendRetryChangesNothing(t *testing.T) {
	w := newWorld(t)
	w.befriend("alice#a.test", "bob#a.test")
	raw := w.seal("alice#a.test", "bob#a.test", testNow, 60)
	w.mustAccept("alice#a.test", raw)
	w.woken.take()

	// The same envelope again, with other white space, and after bob
	// blocked alice: idempotency comes before the recipient checks.
	w.contact("bob#a.test", "alice#a.test", store.ContactBlocked)
	w.mustAccept("alice#a.test", raw)
	w.mustAccept("alice#a.test", []byte(" "+string(raw)+"\n"))

	if n := len(w.events("bob#a.test")); n != 1 {
		t.Errorf("bob has %d events after retries, want 1", n)
	}
	if n := len(w.events("alice#a.test")); n != 1 {
		t.Errorf("alice has %d receipts after retries, want 1", n)
	}
	if got := w.woken.take(); len(got) != 0 {
		t.Errorf("a retry woke %v", got)
	}
}

// The stream's send frames go through Send (STREAM-SEND-01).

func TestSendForTheStream(t *testing.T) {
	w := newWorld(t)
	w.befriend("alice#a.test", "bob#a.test")
	alice := address.MustParse("alice#a.test")
	raw := w.seal("alice#a.test", "bob#a.test", testNow, 60)
	status, id, err := w.svc.Send(context.Background(), alice, raw)
	if status != http.StatusAccepted || id != idOf(t, raw) || err != nil {
		t.Errorf("Send = %d %q %v, want 202 %q nil", status, id, err, idOf(t, raw))
	}
	w.setAccount("bob#a.test", func(a *store.Account) { a.State, a.MovedTo = store.StateMoved, "bob#c.test" })
	status, id, err = w.svc.Send(context.Background(), alice, w.seal("alice#a.test", "bob#a.test", testNow, 60))
	var e *httpapi.Error
	if status != http.StatusGone || id != "" || !errors.As(err, &e) || e.Code != "moved" || e.MovedTo != "bob#c.test" {
		t.Errorf("Send to a moved account = %d %q %v, want 410 moved to bob#c.test", status, id, err)
	}
	status, _, err = w.svc.Send(context.Background(), alice, []byte(strings.Repeat(" ", w.svc.cfg.MaxEnvelopeBytes+1)))
	if status != http.StatusRequestEntityTooLarge || !errors.As(err, &e) || e.Code != "too_large" {
		t.Errorf("Send of an oversized frame = %d %v, want 413 too_large", status, err)
	}
}

// kicks records the destinations a Kicker was woken for.
type kicks struct {
	mu    sync.Mutex
	dests []string
}

func (k *kicks) Kick(dest string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.dests = append(k.dests, dest)
}

func TestSendKicksTheOutboxForQueuedEnvelopesOnly(t *testing.T) {
	w := newWorld(t)
	k := &kicks{}
	w.svc.SetKicker(k)
	remote := w.seal("alice#a.test", "carol#b.test", testNow, 120)
	w.mustAccept("alice#a.test", remote)
	w.mustAccept("alice#a.test", remote) // a retry queues nothing, so it wakes nobody
	if strings.Join(k.dests, ",") != "b.test" {
		t.Fatalf("kicked %v, want b.test once", k.dests)
	}
}
