package messaging

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/reference/server/store"
)

// Sad path: every refusal of POST /messages, in the spec's order of
// checks. Each world starts with alice and bob as accepted contacts and
// carol#a.test as a stranger to both; the row's call is alice's unless it
// says otherwise.

type refusal struct {
	name   string
	setup  func(w *world) call
	status int
	code   string
	// movedTo is the moved_to the answer must carry (moved only).
	movedTo string
	// badDoc: the request itself breaks the OpenAPI document (its schema
	// or content type); the answer is still checked against it.
	badDoc bool
}

// fromAlice is alice's call posting raw.
func fromAlice(raw []byte) call {
	return call{path: "/emsg/v1/messages", caller: "alice#a.test", body: raw}
}

// toBob is a fresh envelope from alice to bob.
func toBob(w *world) []byte { return w.seal("alice#a.test", "bob#a.test", testNow, 60) }

// editToBob is a fresh envelope from alice to bob, changed.
func editToBob(change func(map[string]any)) func(w *world) call {
	return func(w *world) call { return fromAlice(edit(w.t, toBob(w), change)) }
}

var sendRefusals = []refusal{
	// no credentials at all
	{name: "no token", setup: func(w *world) call {
		c := fromAlice(toBob(w))
		c.caller = ""
		return c
	}, status: 401, code: "unauthorized"},
	// API-JSON-01: the body must be declared JSON
	{name: "not application/json", setup: func(w *world) call {
		c := fromAlice(toBob(w))
		c.contentType = "text/plain"
		return c
	}, status: 400, code: "bad_request", badDoc: true},
	// ENV-SIZE-01: one byte over max_envelope_bytes, refused before parsing
	{name: "too large", setup: func(w *world) call {
		raw := w.sealText("alice#a.test", "bob#a.test", testNow, 60, strings.Repeat("x", 48000))
		w.svc.cfg.MaxEnvelopeBytes = len(raw) - 1
		return fromAlice(raw)
	}, status: 413, code: "too_large"},
	// not JSON
	{name: "not JSON", setup: func(w *world) call { return fromAlice([]byte(`{"v":1,`)) }, status: 400, code: "bad_request", badDoc: true},
	// ENV-VERSION-01: v 2 is unsupported_version, before the schema
	{name: "version 2", setup: editToBob(func(m map[string]any) { m["v"] = 2; m["ratchet"] = true }), status: 400, code: "unsupported_version", badDoc: true},
	// a version that is not an integer
	{name: "version as a string", setup: editToBob(func(m map[string]any) { m["v"] = "1" }), status: 400, code: "bad_request", badDoc: true},
	// ENV-SCHEMA-01: objects are closed
	{name: "unknown member", setup: editToBob(func(m map[string]any) { m["priority"] = "high" }), status: 400, code: "bad_request", badDoc: true},
	// ENV-SCHEMA-01: a required member is missing
	{name: "no payload", setup: editToBob(func(m map[string]any) { delete(m, "payload") }), status: 400, code: "bad_request", badDoc: true},
	// ENV-SCHEMA-01: a repeated member name
	{name: "repeated member", setup: func(w *world) call {
		return fromAlice(append([]byte(`{"ttl":60,`), toBob(w)[1:]...))
	}, status: 400, code: "bad_request", badDoc: true},
	// ENV-SCHEMA-01: numbers are integers
	{name: "fractional ttl", setup: func(w *world) call {
		return fromAlice(bytes.Replace(toBob(w), []byte(`"ttl":60`), []byte(`"ttl":60.5`), 1))
	}, status: 400, code: "bad_request", badDoc: true},
	// ENV-ID-01: a ULID in lower case is not canonical
	{name: "lower-case id", setup: editToBob(func(m map[string]any) { m["id"] = strings.ToLower(m["id"].(string)) }), status: 400, code: "bad_request", badDoc: true},
	// ENV-ID-01: a ULID whose first character is above 7
	{name: "id out of range", setup: editToBob(func(m map[string]any) { m["id"] = "8" + m["id"].(string)[1:] }), status: 400, code: "bad_request", badDoc: true},
	// ENV-ADDR-01: from not in canonical lower case
	{name: "upper-case from", setup: editToBob(func(m map[string]any) { m["from"] = "Alice#a.test" }), status: 400, code: "bad_address", badDoc: true},
	// ENV-ADDR-01: to is not an address
	{name: "to without domain", setup: editToBob(func(m map[string]any) { m["to"] = "bob" }), status: 400, code: "bad_address", badDoc: true},
	// ENV-ADDR-01: a member name of keys that is not canonical
	{name: "upper-case reader", setup: editToBob(func(m map[string]any) {
		k := m["keys"].(map[string]any)
		k["BOB#a.test"] = k["bob#a.test"]
		delete(k, "bob#a.test")
	}), status: 400, code: "bad_address", badDoc: true},
	// ENV-KEYS-02: a wrapped key of 79 bytes
	{name: "short wrapped key", setup: editToBob(func(m map[string]any) {
		m["keys"].(map[string]any)["bob#a.test"] = wire.EncodeBytes(make([]byte, 79))
	}), status: 400, code: "bad_request", badDoc: true},
	// ENV-KEYS-02: a payload of 40 bytes cannot hold nonce, ciphertext and tag
	{name: "short payload", setup: editToBob(func(m map[string]any) { m["payload"] = wire.EncodeBytes(make([]byte, 40)) }), status: 400, code: "bad_request", badDoc: true},
	// ENV-FROM-01: alice posts bob's envelope
	{name: "sent as someone else", setup: func(w *world) call {
		return fromAlice(w.seal("bob#a.test", "alice#a.test", testNow, 60))
	}, status: 403, code: "forbidden"},
	// ENV-TS-01: ts one millisecond beyond 300000 ms ahead
	{name: "ts too far ahead", setup: func(w *world) call {
		return fromAlice(w.seal("alice#a.test", "bob#a.test", testNow.Add(300001*time.Millisecond), 60))
	}, status: 400, code: "bad_request"},
	// TTL-RANGE-01: ttl 0
	{name: "ttl zero", setup: editToBob(func(m map[string]any) { m["ttl"] = 0 }), status: 400, code: "bad_request", badDoc: true},
	// TTL-RANGE-01: ttl one second above max_ttl
	{name: "ttl above max_ttl", setup: func(w *world) call {
		return fromAlice(w.seal("alice#a.test", "bob#a.test", testNow, w.svc.cfg.MaxTTL+1))
	}, status: 400, code: "bad_request"},
	// TTL-ARRIVAL-01: ts + ttl*1000 == now is already expired
	{name: "expired on arrival", setup: func(w *world) call {
		return fromAlice(w.seal("alice#a.test", "bob#a.test", testNow.Add(-time.Second), 1))
	}, status: 400, code: "bad_request"},
	// ENV-KEYS-01: no wrapped key for the sender
	{name: "no key for the sender", setup: editToBob(func(m map[string]any) {
		delete(m["keys"].(map[string]any), "alice#a.test")
	}), status: 400, code: "bad_request"},
	// ENV-KEYS-01: no wrapped key for a local 1:1 recipient
	{name: "no key for the local recipient", setup: func(w *world) call {
		return fromAlice(w.seal("alice#a.test", "bob#a.test", testNow, 60, "carol#a.test"))
	}, status: 400, code: "bad_request"},
	// ENV-KEYS-01: no wrapped key for a remote recipient, on a server without groups (with them, such an envelope is a group post for its host: groups.Route)
	{name: "no key for the remote recipient", setup: func(w *world) call {
		return fromAlice(w.seal("alice#a.test", "dan#b.test", testNow, 60, "bob#a.test"))
	}, status: 400, code: "bad_request"},
	// DELIV-NOTFOUND-01: no such account (checked before the keys)
	{name: "unknown recipient", setup: editToBob(func(m map[string]any) { m["to"] = "nobody#a.test" }), status: 404, code: "not_found"},
	// groups are not hosted yet: a group address here is no account or group
	{name: "local group address", setup: func(w *world) call {
		return fromAlice(w.seal("alice#a.test", "team#a.test", testNow, 60, "bob#a.test"))
	}, status: 404, code: "not_found"},
	// a reservation that ran out: the local part is free again, nobody holds it
	{name: "expired reservation", setup: func(w *world) call {
		w.update(func(tx *store.Tx) error { return tx.Reserve("old", wire.ToMillis(testNow)) })
		return fromAlice(edit(w.t, toBob(w), func(m map[string]any) { m["to"] = "old#a.test" }))
	}, status: 404, code: "not_found"},
	// DEL-GONE-01: a deleted account
	{name: "deleted recipient", setup: func(w *world) call {
		w.setAccount("bob#a.test", func(a *store.Account) { a.State = store.StateDeleted })
		return fromAlice(toBob(w))
	}, status: 410, code: "gone"},
	// DEL-GONE-01: only the reservation of a deleted account's local part is left
	{name: "reserved local part", setup: func(w *world) call {
		w.update(func(tx *store.Tx) error { return tx.Reserve("old", wire.ToMillis(testNow)+1) })
		return fromAlice(edit(w.t, toBob(w), func(m map[string]any) { m["to"] = "old#a.test" }))
	}, status: 410, code: "gone"},
	// MOVE-ANSWER-01: a moved account, with its new address
	{name: "moved recipient", setup: func(w *world) call {
		w.setAccount("bob#a.test", func(a *store.Account) { a.State, a.MovedTo = store.StateMoved, "bob#c.test" })
		return fromAlice(toBob(w))
	}, status: 410, code: "moved", movedTo: "bob#c.test"},
	// DELIV-BLOCKED-01: bob blocked alice (silent only in that alice gets no notice)
	{name: "blocked", setup: func(w *world) call {
		w.contact("bob#a.test", "alice#a.test", store.ContactBlocked)
		return fromAlice(toBob(w))
	}, status: 403, code: "blocked"},
	// DELIV-BLOCKED-01: a block wins over accept_strangers
	{name: "blocked stranger", setup: func(w *world) call {
		w.setAccount("carol#a.test", func(a *store.Account) { a.Settings.AcceptStrangers = true })
		w.contact("carol#a.test", "alice#a.test", store.ContactBlocked)
		return fromAlice(w.seal("alice#a.test", "carol#a.test", testNow, 60))
	}, status: 403, code: "blocked"},
	// DELIV-STRANGER-01: carol accepts contacts only
	{name: "stranger", setup: func(w *world) call {
		return fromAlice(w.seal("alice#a.test", "carol#a.test", testNow, 60))
	}, status: 403, code: "not_a_contact"},
	// DELIV-STRANGER-01: a pending request is not an accepted contact
	{name: "pending contact", setup: func(w *world) call {
		w.contact("carol#a.test", "alice#a.test", store.ContactPendingIn)
		w.contact("alice#a.test", "carol#a.test", store.ContactPendingOut)
		return fromAlice(w.seal("alice#a.test", "carol#a.test", testNow, 60))
	}, status: 403, code: "not_a_contact"},
	// DELIV-STRANGER-01: what counts is the recipient's list, not the sender's
	{name: "contact on the sender's side only", setup: func(w *world) call {
		w.contact("alice#a.test", "carol#a.test", store.ContactAccepted)
		return fromAlice(w.seal("alice#a.test", "carol#a.test", testNow, 60))
	}, status: 403, code: "not_a_contact"},
	// DELIV-STRANGER-01: no exception for notes to self while accept_strangers is off
	{name: "to self as a stranger", setup: func(w *world) call {
		return fromAlice(w.seal("alice#a.test", "alice#a.test", testNow, 60))
	}, status: 403, code: "not_a_contact"},
	// MOVE-SEND-01: a moved account may not send, even to a contact
	{name: "moved sender", setup: func(w *world) call {
		w.setAccount("alice#a.test", func(a *store.Account) { a.State, a.MovedTo = store.StateMoved, "alice#c.test" })
		return fromAlice(toBob(w))
	}, status: 410, code: "moved", movedTo: "alice#c.test"},
	// MOVE-SEND-01 applies to remote recipients too
	{name: "moved sender to a remote recipient", setup: func(w *world) call {
		w.setAccount("alice#a.test", func(a *store.Account) { a.State, a.MovedTo = store.StateMoved, "alice#c.test" })
		return fromAlice(w.seal("alice#a.test", "dan#b.test", testNow, 60))
	}, status: 410, code: "moved", movedTo: "alice#c.test"},
	// a suspended account (whose stream is still open) may not send
	{name: "suspended sender", setup: func(w *world) call {
		w.setAccount("alice#a.test", func(a *store.Account) { a.State = store.StateSuspended })
		return fromAlice(toBob(w))
	}, status: 403, code: "forbidden"},
}

func TestSendRefusals(t *testing.T) {
	for _, tt := range sendRefusals {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			w.befriend("alice#a.test", "bob#a.test")
			w.person("carol#a.test")
			c := tt.setup(w)
			a := w.do(c)
			wantError(t, a, tt.status, tt.code, tt.movedTo)
			if got := a.reqErr != nil; got != tt.badDoc {
				t.Errorf("request breaks the document: %v (%v), want %v", got, a.reqErr, tt.badDoc)
			}
			w.wantNothingStored()
		})
	}
}

// wantNothingStored checks that a refused request left no event, no
// queued item, no idempotency record and woke nobody.
func (w *world) wantNothingStored() {
	w.t.Helper()
	for _, addr := range []string{"alice#a.test", "bob#a.test", "carol#a.test"} {
		if n := len(w.events(addr)); n != 0 {
			w.t.Errorf("%s has %d events after a refusal", addr, n)
		}
	}
	for _, dest := range []string{"b.test", "c.test"} {
		if n := len(w.queued(dest)); n != 0 {
			w.t.Errorf("%d items queued for %s after a refusal", n, dest)
		}
	}
	if got := w.woken.take(); len(got) != 0 {
		w.t.Errorf("a refusal woke %v", got)
	}
}

// A refused envelope leaves no idempotency record: once the reason is
// gone, the same envelope is accepted.
func TestRefusedEnvelopeCanBeSentAgain(t *testing.T) {
	w := newWorld(t)
	w.person("alice#a.test")
	w.person("bob#a.test")
	raw := toBob(w)
	wantError(t, w.send("alice#a.test", raw), http.StatusForbidden, "not_a_contact", "")
	w.befriend("alice#a.test", "bob#a.test")
	w.mustAccept("alice#a.test", raw)
	var d Delivery
	if err := json.Unmarshal(w.seen("alice#a.test", idOf(t, raw)), &d); err != nil || d.To.String() != "bob#a.test" || d.Expires != wire.ToMillis(testNow)+60_000 {
		t.Errorf("delivery record %+v (%v), want to bob#a.test until ts + ttl", d, err)
	}
}

// seen returns the idempotency record of (from, id), failing if none.
func (w *world) seen(from, id string) []byte {
	w.t.Helper()
	var rec []byte
	err := w.st.View(func(tx *store.Tx) error {
		r, ok, err := tx.Seen(from, id)
		if err == nil && !ok {
			w.t.Errorf("no idempotency record for (%s, %s)", from, id)
		}
		rec = r
		return err
	})
	if err != nil {
		w.t.Fatal(err)
	}
	return rec
}
