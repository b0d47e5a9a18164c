package messaging

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/reference/server/store"
)

// readRequestBody is the JSON of POST /receipts.
func readRequestBody(to string, ids ...string) []byte {
	b, _ := json.Marshal(map[string]any{"kind": "read", "to": to, "ids": ids})
	return b
}

// read posts a read receipt request as caller.
func (w *world) read(caller string, body []byte) answer {
	w.t.Helper()
	return w.do(call{path: "/emsg/v1/receipts", caller: caller, body: body})
}

// mustRead posts a read receipt request that must be accepted.
func (w *world) mustRead(caller string, body []byte) {
	w.t.Helper()
	if a := w.read(caller, body); a.status != http.StatusAccepted || len(a.body) != 0 || a.reqErr != nil {
		w.t.Fatalf("read receipts: got %d %s (request: %v), want 202 without a body", a.status, a.body, a.reqErr)
	}
}

// receipts returns the receipts of kind in addr's log, in order.
func (w *world) receipts(addr, kind string) []Receipt {
	w.t.Helper()
	var out []Receipt
	for _, ev := range w.events(addr) {
		if string(member(w.t, ev.Data, "kind")) != `"receipt"` {
			continue
		}
		if r := receiptOf(w.t, ev.Data); r.Kind == kind {
			out = append(out, r)
		}
	}
	return out
}

// received makes alice send n envelopes to bob and returns their ids.
func (w *world) received(n int) []string {
	w.t.Helper()
	w.befriend("alice#a.test", "bob#a.test")
	var ids []string
	for range n {
		raw := toBob(w)
		w.mustAccept("alice#a.test", raw)
		ids = append(ids, idOf(w.t, raw))
	}
	w.woken.take()
	return ids
}

// Happy path.

func TestReadReceiptsReachALocalSender(t *testing.T) {
	w := newWorld(t)
	ids := w.received(3)
	w.mustRead("bob#a.test", readRequestBody("alice#a.test", ids[0], ids[1]))
	got := w.receipts("alice#a.test", "read")
	want := []Receipt{
		{Kind: "read", ID: ids[0], From: address.MustParse("bob#a.test"), To: address.MustParse("alice#a.test"), TS: wire.ToMillis(testNow)},
		{Kind: "read", ID: ids[1], From: address.MustParse("bob#a.test"), To: address.MustParse("alice#a.test"), TS: wire.ToMillis(testNow)},
	}
	if !slices.Equal(got, want) {
		t.Errorf("alice's read receipts:\n got %+v\nwant %+v", got, want)
	}
	if woken := w.woken.take(); !slices.Equal(woken, []string{"alice#a.test"}) {
		t.Errorf("woken %v, want alice", woken)
	}

	// Repeating is harmless: one receipt per (envelope, reader); a request
	// naming a new id with old ones sends only the new one.
	w.mustRead("bob#a.test", readRequestBody("alice#a.test", ids[1], ids[0]))
	if woken := w.woken.take(); len(woken) != 0 {
		t.Errorf("a repeat woke %v", woken)
	}
	w.mustRead("bob#a.test", readRequestBody("alice#a.test", ids[0], ids[2]))
	got = w.receipts("alice#a.test", "read")
	if len(got) != 3 || got[2].ID != ids[2] {
		t.Errorf("after repeats alice has read receipts %+v, want one per id", got)
	}
}

func TestReadReceiptsQueueForARemoteSender(t *testing.T) {
	w := newWorld(t)
	w.person("bob#a.test")
	// carol#b.test's envelope reached bob over federation: the inbox left
	// its delivery record, as this package documents.
	const id = "01HF7YAT00011WPRHPQ49SFGWC"
	carol := address.MustParse("carol#b.test")
	w.update(func(tx *store.Tx) error {
		return RememberDelivery(tx, carol, id, Delivery{To: address.MustParse("bob#a.test"), Expires: wire.ToMillis(testNow) + 60_000})
	})
	w.mustRead("bob#a.test", readRequestBody("carol#b.test", id))
	w.mustRead("bob#a.test", readRequestBody("carol#b.test", id))
	items := w.queued("b.test")
	if len(items) != 1 {
		t.Fatalf("%d items queued for b.test, want one receipt", len(items))
	}
	want := Receipt{Kind: "read", ID: id, From: address.MustParse("bob#a.test"), To: carol, TS: wire.ToMillis(testNow)}
	if got := receiptOf(t, items[0].Data); got != want || string(member(t, items[0].Data, "kind")) != `"receipt"` {
		t.Errorf("queued %s, want a receipt item with %+v", items[0].Data, want)
	}
	if woken := w.woken.take(); len(woken) != 0 {
		t.Errorf("a remote receipt woke %v", woken)
	}
}

// A sender that moved since it sent has no reader at its old address:
// the request is accepted and nothing is appended.
func TestReadReceiptForAMovedSender(t *testing.T) {
	w := newWorld(t)
	ids := w.received(1)
	w.setAccount("alice#a.test", func(a *store.Account) { a.State, a.MovedTo = store.StateMoved, "alice#c.test" })
	w.mustRead("bob#a.test", readRequestBody("alice#a.test", ids[0]))
	if got := w.receipts("alice#a.test", "read"); len(got) != 0 {
		t.Errorf("a moved account got read receipts %+v", got)
	}
}

// Sad path.

func TestReadReceiptRefusals(t *testing.T) {
	tests := []struct {
		name   string
		setup  func(w *world, ids []string) call
		status int
		code   string
		badDoc bool
	}{
		// no credentials
		{"no token", func(w *world, ids []string) call {
			return call{path: "/emsg/v1/receipts", body: readRequestBody("alice#a.test", ids[0])}
		}, 401, "unauthorized", false},
		// API-JSON-01
		{"not application/json", func(w *world, ids []string) call {
			return call{path: "/emsg/v1/receipts", caller: "bob#a.test", body: readRequestBody("alice#a.test", ids[0]), contentType: "text/plain"}
		}, 400, "bad_request", true},
		// LIMIT-BODY-01: more than 1 MiB
		{"too large", func(w *world, ids []string) call {
			body := append(readRequestBody("alice#a.test", ids[0]), strings.Repeat(" ", w.svc.cfg.MaxBodyBytes)...)
			return call{path: "/emsg/v1/receipts", caller: "bob#a.test", body: body}
		}, 413, "too_large", false},
		// not JSON
		{"not JSON", func(w *world, ids []string) call {
			return call{path: "/emsg/v1/receipts", caller: "bob#a.test", body: []byte(`{"kind":`)}
		}, 400, "bad_request", true},
		// ADDR-SIGNED-01: to not in canonical form
		{"upper-case to", func(w *world, ids []string) call {
			return call{path: "/emsg/v1/receipts", caller: "bob#a.test", body: readRequestBody("Alice#a.test", ids[0])}
		}, 400, "bad_address", true},
		// clients send read receipts only
		{"delivered kind", func(w *world, ids []string) call {
			body := []byte(fmt.Sprintf(`{"kind":"delivered","to":"alice#a.test","ids":[%q]}`, ids[0]))
			return call{path: "/emsg/v1/receipts", caller: "bob#a.test", body: body}
		}, 400, "bad_request", true},
		// at least one id
		{"no ids", func(w *world, ids []string) call {
			return call{path: "/emsg/v1/receipts", caller: "bob#a.test", body: readRequestBody("alice#a.test")}
		}, 400, "bad_request", true},
		// ids are unique
		{"repeated id", func(w *world, ids []string) call {
			return call{path: "/emsg/v1/receipts", caller: "bob#a.test", body: readRequestBody("alice#a.test", ids[0], ids[0])}
		}, 400, "bad_request", true},
		// ids are ULIDs
		{"id not a ULID", func(w *world, ids []string) call {
			return call{path: "/emsg/v1/receipts", caller: "bob#a.test", body: readRequestBody("alice#a.test", "hello")}
		}, 400, "bad_request", true},
		// RCPT-READ-01: an id nobody sent; the good id with it is not forwarded either
		{"unknown id", func(w *world, ids []string) call {
			return call{path: "/emsg/v1/receipts", caller: "bob#a.test", body: readRequestBody("alice#a.test", ids[0], "01HF7YAT00011WPRHPQ49SFGWC")}
		}, 404, "not_found", false},
		// RCPT-READ-01: alice's envelope to bob, claimed by carol
		{"not the reader's envelope", func(w *world, ids []string) call {
			return call{path: "/emsg/v1/receipts", caller: "carol#a.test", body: readRequestBody("alice#a.test", ids[0])}
		}, 404, "not_found", false},
		// RCPT-READ-01: the right id, the wrong sender
		{"wrong sender", func(w *world, ids []string) call {
			return call{path: "/emsg/v1/receipts", caller: "bob#a.test", body: readRequestBody("carol#a.test", ids[0])}
		}, 404, "not_found", false},
		// RCPT-READ-01: the sender cannot make read receipts for its own envelope
		{"sender's own envelope", func(w *world, ids []string) call {
			return call{path: "/emsg/v1/receipts", caller: "alice#a.test", body: readRequestBody("alice#a.test", ids[0])}
		}, 404, "not_found", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			ids := w.received(1)
			w.person("carol#a.test")
			a := w.do(tt.setup(w, ids))
			wantError(t, a, tt.status, tt.code, "")
			if got := a.reqErr != nil; got != tt.badDoc {
				t.Errorf("request breaks the document: %v (%v), want %v", got, a.reqErr, tt.badDoc)
			}
			if got := w.receipts("alice#a.test", "read"); len(got) != 0 {
				t.Errorf("a refused request sent read receipts %+v", got)
			}
			if woken := w.woken.take(); len(woken) != 0 {
				t.Errorf("a refused request woke %v", woken)
			}
			// Nothing was marked as sent: the valid id alone still goes out.
			w.mustRead("bob#a.test", readRequestBody("alice#a.test", ids[0]))
			if got := w.receipts("alice#a.test", "read"); len(got) != 1 {
				t.Errorf("after the refusal, a valid request sent %d receipts, want 1", len(got))
			}
		})
	}
}

// A group envelope has no read receipts (RCPT-GROUP-01): its delivery
// record names the group, never the reader.
func TestNoReadReceiptForAGroupEnvelope(t *testing.T) {
	w := newWorld(t)
	w.person("bob#a.test")
	const id = "01HF7YAT00011WPRHPQ49SFGWC"
	w.update(func(tx *store.Tx) error {
		return RememberDelivery(tx, address.MustParse("carol#b.test"), id, Delivery{To: address.MustParse("team#b.test"), Expires: wire.ToMillis(testNow) + 60_000})
	})
	wantError(t, w.read("bob#a.test", readRequestBody("carol#b.test", id)), http.StatusNotFound, "not_found", "")
	if n := len(w.queued("b.test")); n != 0 {
		t.Errorf("%d items queued for a group envelope's receipt", n)
	}
}

// The store failing is an internal error, never a 202.
func TestReadReceiptsOnAClosedStore(t *testing.T) {
	w := newWorld(t)
	ids := w.received(1)
	if err := w.st.Close(); err != nil {
		t.Fatal(err)
	}
	a := w.read("bob#a.test", readRequestBody("alice#a.test", ids[0]))
	wantError(t, a, http.StatusServiceUnavailable, "unavailable", "")
	status, _, err := w.svc.Send(context.Background(), address.MustParse("alice#a.test"), toBob(w))
	if status != http.StatusServiceUnavailable || err == nil {
		t.Errorf("Send on a closed store = %d %v, want 503", status, err)
	}
}
