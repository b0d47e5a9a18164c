package federation

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emsg-project/emsg/reference/protocol/fedsig"
	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/reference/server/store"
	"github.com/emsg-project/emsg/spec"
)

// post is one request to a node's inbox, built by a test.
type post struct {
	header      string // Authorization; "" sends none
	body        []byte
	contentType string // "" means application/json
}

// signed returns a post of body signed by a.test's key (or key) at the
// lab's clock plus skew, for destination dest.
func (l *lab) signed(key fedsig.ServerKey, dest string, skew time.Duration, body []byte) post {
	l.t.Helper()
	deps := wire.Seeded("sign", l.clock.Now().Add(skew))
	h, err := fedsig.Sign(deps, key, http.MethodPost, InboxPath, "a.test", dest, body)
	if err != nil {
		l.t.Fatal(err)
	}
	return post{header: h, body: body}
}

// txnBody is a transaction a.test → dest named name with items.
func txnBody(t *testing.T, origin, dest, name string, items ...json.RawMessage) []byte {
	t.Helper()
	body, err := json.Marshal(transaction{Origin: origin, Destination: dest, Txn: name, Items: items})
	if err != nil {
		t.Fatal(err)
	}
	return body
}

// envelopeItem wraps an envelope as a federation item.
func envelopeItem(t *testing.T, raw []byte) json.RawMessage {
	t.Helper()
	item, err := wrap("envelope", "envelope", raw)
	if err != nil {
		t.Fatal(err)
	}
	return item
}

// deliver sends p to n's inbox and checks the exchange against the
// federation document. A request that itself breaks the document (a test
// of a bad request) has its answer checked against a valid stand-in.
func (n *node) deliver(p post) (int, []byte) {
	t := n.lab.t
	t.Helper()
	newReq := func(p post) *http.Request {
		// origin-form, as a client writes the request line
		r := httptest.NewRequest(http.MethodPost, InboxPath, bytes.NewReader(p.body))
		r.Host = n.domain
		ct := p.contentType
		if ct == "" {
			ct = "application/json"
		}
		r.Header.Set("Content-Type", ct)
		if p.header != "" {
			r.Header.Set("Authorization", p.header)
		}
		return r
	}
	rec := httptest.NewRecorder()
	n.mux.ServeHTTP(rec, newReq(p))
	resp := rec.Result()
	body, _ := io.ReadAll(resp.Body)
	err := spec.ValidateExchange(spec.FederationAPI, newReq(p), p.body, resp, body)
	var xe *spec.ExchangeError
	if errors.As(err, &xe) && xe.Phase == spec.PhaseRequest {
		ex, _ := spec.SchemaExamples("fed-transaction")
		standIn := n.lab.signed(n.lab.nodes["a.test"].key, "b.test", 0, ex[0])
		err = spec.ValidateExchange(spec.FederationAPI, newReq(standIn), standIn.body, resp, body)
	}
	if err != nil {
		t.Errorf("inbox: the answer breaks the spec: %v\n%s", err, body)
	}
	return resp.StatusCode, body
}

// The receiver's checks, in the spec's order, each with its code
// (FED-AUTH-01..07, FED-TXN-01).
func TestInboxRefusals(t *testing.T) {
	l := newLab(t, "a.test", "b.test")
	a, b := l.nodes["a.test"], l.nodes["b.test"]
	b.account("bob#b.test", true)
	item := func() json.RawMessage { return envelopeItem(t, l.seal("alice#a.test", "bob#b.test", 3600)) }
	good := func() []byte { return txnBody(t, "a.test", "b.test", "t1", item()) }
	otherKey, err := fedsig.NewServerKey(wire.Seeded("forger", testNow), "ed25519:k1")
	if err != nil {
		t.Fatal(err)
	}
	unknownKey := fedsig.ServerKey{ID: "ed25519:k9", Private: a.key.Private}
	many := make([]json.RawMessage, 101)
	for i := range many {
		many[i] = json.RawMessage(`{"kind":"receipt"}`)
	}
	tests := []struct {
		name   string
		post   func() post
		status int
		code   string
	}{
		// no Authorization header at all (FED-AUTH-01)
		{"no header", func() post { return post{body: good()} }, 401, "unauthorized"},
		// a header of another scheme (FED-AUTH-01)
		{"bearer scheme", func() post { return post{header: "Bearer abc", body: good()} }, 401, "unauthorized"},
		// the scheme, but parameters that do not parse (FED-AUTH-07)
		{"unparsable header", func() post { return post{header: `EMSG-Federation origin="a.test"`, body: good()} }, 400, "bad_request"},
		// signed for another server (FED-AUTH-02)
		{"wrong destination", func() post { return l.signed(a.key, "c.test", 0, good()) }, 403, "forbidden"},
		// signed more than 300000 ms ago (FED-AUTH-03)
		{"clock skew past", func() post { return l.signed(a.key, "b.test", -300001*time.Millisecond, good()) }, 401, "unauthorized"},
		// signed more than 300000 ms ahead (FED-AUTH-03)
		{"clock skew ahead", func() post { return l.signed(a.key, "b.test", 300001*time.Millisecond, good()) }, 401, "unauthorized"},
		// a key a.test does not publish (FED-AUTH-04)
		{"unknown key", func() post { return l.signed(unknownKey, "b.test", 0, good()) }, 401, "unauthorized"},
		// signed by another key under a.test's key id (FED-AUTH-05)
		{"bad signature", func() post { return l.signed(otherKey, "b.test", 0, good()) }, 401, "bad_signature"},
		// the body changed after signing (FED-AUTH-05)
		{"body changed", func() post {
			p := l.signed(a.key, "b.test", 0, good())
			p.body = txnBody(t, "a.test", "b.test", "t2", item())
			return p
		}, 401, "bad_signature"},
		// body origin differs from the header's (FED-AUTH-06)
		{"body origin differs", func() post { return l.signed(a.key, "b.test", 0, txnBody(t, "c.test", "b.test", "t1", item())) }, 400, "bad_request"},
		// body destination differs from the header's (FED-AUTH-06)
		{"body destination differs", func() post { return l.signed(a.key, "b.test", 0, txnBody(t, "a.test", "c.test", "t1", item())) }, 400, "bad_request"},
		// more items than max_txn_items: too_large, not the schema's bad_request (FED-TXN-01)
		{"101 items", func() post { return l.signed(a.key, "b.test", 0, txnBody(t, "a.test", "b.test", "t1", many...)) }, 413, "too_large"},
		// more than 1 MiB, refused before the signature is looked at (FED-TXN-01)
		{"over 1 MiB", func() post { return post{body: bytes.Repeat([]byte(" "), maxTxnBytes+1)} }, 413, "too_large"},
		// a transaction without txn fails fed-transaction.json
		{"schema", func() post {
			return l.signed(a.key, "b.test", 0, []byte(`{"origin":"a.test","destination":"b.test","items":[{"kind":"receipt"}]}`))
		}, 400, "bad_request"},
		// not JSON
		{"content type", func() post {
			p := l.signed(a.key, "b.test", 0, good())
			p.contentType = "text/plain"
			return p
		}, 400, "bad_request"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := b.deliver(tt.post())
			if status != tt.status || !bytes.Contains(body, []byte(`"error":"`+tt.code+`"`)) {
				t.Errorf("got %d %s, want %d %s", status, body, tt.status, tt.code)
			}
		})
	}
	if evs := b.events("bob#b.test"); len(evs) != 0 {
		t.Errorf("a refused transaction delivered %v", kinds(evs))
	}
	// exactly 300000 ms off is still on time (FED-AUTH-03, inclusive)
	if status, body := b.deliver(l.signed(a.key, "b.test", -300000*time.Millisecond, good())); status != 200 {
		t.Errorf("skew of exactly 300000 ms: %d %s", status, body)
	}
}

// Each item is answered on its own, in order (FED-TXN-02, -03, -05, -06,
// FED-SPOOF-01, DELIV-NOTFOUND-01, DELIV-BLOCKED-01, DELIV-STRANGER-01).
func TestInboxItemResults(t *testing.T) {
	l := newLab(t, "a.test", "b.test")
	a, b := l.nodes["a.test"], l.nodes["b.test"]
	b.account("bob#b.test", true)
	b.account("dora#b.test", false)
	b.account("fred#b.test", true)
	b.update(func(tx *store.Tx) error {
		if err := tx.PutAccount(store.Account{Address: "eve#b.test", State: store.StateMoved, MovedTo: "eve#c.test", Created: 1}); err != nil {
			return err
		}
		if err := tx.PutAccount(store.Account{Address: "gus#b.test", State: store.StateDeleted, Created: 1}); err != nil {
			return err
		}
		return tx.PutContact("fred#b.test", store.Contact{Address: "alice#a.test", State: store.ContactBlocked, Updated: 1})
	})
	toBob := envelopeItem(t, l.seal("alice#a.test", "bob#b.test", 3600))
	examples, err := spec.SchemaExamples("fed-item")
	if err != nil {
		t.Fatal(err)
	}
	var contactRequest, keyRotated json.RawMessage
	for _, ex := range examples {
		switch {
		case bytes.Contains(ex, []byte(`"kind":"contact_request"`)):
			contactRequest = ex
		case bytes.Contains(ex, []byte(`"kind":"key_rotated"`)):
			keyRotated = ex
		}
	}
	rows := []struct {
		item json.RawMessage
		want string // status or error code
	}{
		{toBob, "ok"},        // delivered
		{toBob, "duplicate"}, // same (from, id) again (FED-TXN-05)
		{envelopeItem(t, l.seal("mallory#c.test", "bob#b.test", 3600)), "forbidden"},    // sender not on the origin (FED-SPOOF-01)
		{envelopeItem(t, l.seal("alice#a.test", "carol#c.test", 3600)), "forbidden"},    // recipient not here (FED-TXN-06)
		{json.RawMessage(`{"kind":"telepathy","thought":"hi"}`), "bad_request"},         // unknown kind (FED-TXN-03)
		{json.RawMessage(`{"kind":"envelope"}`), "bad_request"},                         // fails fed-item.json (FED-TXN-03)
		{envelopeItem(t, l.seal("alice#a.test", "nobody#b.test", 3600)), "not_found"},   // no such account
		{envelopeItem(t, l.seal("alice#a.test", "dora#b.test", 3600)), "not_a_contact"}, // strangers not accepted
		{envelopeItem(t, l.seal("alice#a.test", "fred#b.test", 3600)), "blocked"},       // alice is blocked
		{envelopeItem(t, l.seal("alice#a.test", "eve#b.test", 3600)), "moved"},          // moved, with moved_to
		{envelopeItem(t, l.seal("alice#a.test", "gus#b.test", 3600)), "gone"},           // deleted
		{contactRequest, "ok"}, // alice asks bob (the schema's example)
		{keyRotated, "ok"},     // bob does not hold alice as a contact: nothing to tell, still ok
	}
	items := make([]json.RawMessage, len(rows))
	for i, r := range rows {
		items[i] = r.item
	}
	status, body := b.deliver(l.signed(a.key, "b.test", 0, txnBody(t, "a.test", "b.test", "items", items...)))
	if status != 200 {
		t.Fatalf("got %d %s", status, body)
	}
	var rs results
	if err := json.Unmarshal(body, &rs); err != nil {
		t.Fatal(err)
	}
	for i, r := range rs.Results {
		got := r.Status
		if got == statusError {
			got = r.Error
		}
		if r.Index != i || got != rows[i].want {
			t.Errorf("item %d: got index %d %s (%s), want %s", i, r.Index, got, r.Message, rows[i].want)
		}
		if r.Error == "moved" && r.MovedTo != "eve#c.test" {
			t.Errorf("item %d: moved_to %q", i, r.MovedTo)
		}
	}
	if got := kinds(b.events("bob#b.test")); !slices.Equal(got, []string{"envelope", "contact_request"}) {
		t.Errorf("bob's log: %v", got)
	}
	if q := b.queued("a.test"); len(q) != 1 {
		t.Errorf("%d delivered receipts queued, want 1", len(q))
	}
}

// A replayed transaction gets the first answer byte for byte and changes
// nothing, even with other items in it (FED-TXN-04).
func TestReplayedTransactionChangesNothing(t *testing.T) {
	l := newLab(t, "a.test", "b.test")
	a, b := l.nodes["a.test"], l.nodes["b.test"]
	b.account("bob#b.test", true)
	first := l.signed(a.key, "b.test", 0, txnBody(t, "a.test", "b.test", "t1",
		envelopeItem(t, l.seal("alice#a.test", "nobody#b.test", 3600))))
	status, answer := b.deliver(first)
	if status != 200 || !bytes.Contains(answer, []byte(`"not_found"`)) {
		t.Fatalf("first: %d %s", status, answer)
	}
	replay := l.signed(a.key, "b.test", 0, txnBody(t, "a.test", "b.test", "t1",
		envelopeItem(t, l.seal("alice#a.test", "bob#b.test", 3600))))
	status, again := b.deliver(replay)
	if status != 200 || !bytes.Equal(again, answer) {
		t.Errorf("replay: %d %s, want the first answer %s", status, again, answer)
	}
	if evs := b.events("bob#b.test"); len(evs) != 0 {
		t.Errorf("the replay delivered %v", kinds(evs))
	}
	if q := b.queued("a.test"); len(q) != 0 {
		t.Errorf("the replay queued %d items", len(q))
	}
}

// A receipt item reaches the original sender once; a receipt about an
// envelope not sent to its from is not_found (FED-SPOOF-04); failed
// receipts never travel.
func TestInboxReceipts(t *testing.T) {
	l := newLab(t, "a.test", "b.test")
	a, b := l.nodes["a.test"], l.nodes["b.test"]
	a.account("alice#a.test", false)
	raw := l.seal("alice#a.test", "bob#b.test", 3600)
	a.send("alice#a.test", raw) // queued: a.test remembers (alice, id) → bob
	id := idOf(t, raw)
	rc := func(kind, from, to, id string, extra string) json.RawMessage {
		return json.RawMessage(fmt.Sprintf(`{"kind":"receipt","receipt":{"kind":%q,"id":%q,"from":%q,"to":%q,"ts":1700000000000%s}}`, kind, id, from, to, extra))
	}
	rows := []struct {
		item json.RawMessage
		want string
	}{
		{rc("read", "bob#b.test", "alice#a.test", id, ""), "ok"},                                  // alice learns bob read it
		{rc("read", "bob#b.test", "alice#a.test", id, ""), "duplicate"},                           // same (from, id, kind)
		{rc("delivered", "bob#b.test", "alice#a.test", id, ""), "ok"},                             // another kind is another receipt
		{rc("read", "carol#b.test", "alice#a.test", id, ""), "not_found"},                         // alice did not send it to carol
		{rc("read", "bob#b.test", "alice#a.test", "01HF7YAT00011WPRHPQ49SFGWC", ""), "not_found"}, // no such envelope
		{rc("read", "mallory#c.test", "alice#a.test", id, ""), "forbidden"},                       // not on the origin
		{rc("failed", "bob#b.test", "alice#a.test", id, `,"error":"not_found"`), "bad_request"},   // failed receipts never travel
	}
	items := make([]json.RawMessage, len(rows))
	for i, r := range rows {
		items[i] = r.item
	}
	body := txnBody(t, "b.test", "a.test", "r1", items...)
	h, err := fedsig.Sign(wire.Seeded("sign", l.clock.Now()), b.key, http.MethodPost, InboxPath, "b.test", "a.test", body)
	if err != nil {
		t.Fatal(err)
	}
	status, answer := a.deliver(post{header: h, body: body})
	var rs results
	if err := json.Unmarshal(answer, &rs); status != 200 || err != nil {
		t.Fatalf("got %d %s", status, answer)
	}
	for i, r := range rs.Results {
		got := r.Status
		if got == statusError {
			got = r.Error
		}
		if got != rows[i].want {
			t.Errorf("item %d: got %s (%s), want %s", i, got, r.Message, rows[i].want)
		}
	}
	if got := kinds(a.events("alice#a.test")); !slices.Equal(got, []string{"receipt:read", "receipt:delivered"}) {
		t.Errorf("alice's log: %v", got)
	}
}

// Peers caches a discovery document, refetches it for an unknown key at
// most once a minute and after an hour, and refuses a document naming
// another domain (DISC-CACHE-01, DISC-DOMAIN-01).
func TestPeersCache(t *testing.T) {
	l := newLab(t, "a.test", "b.test")
	a, b := l.nodes["a.test"], l.nodes["b.test"]
	ctx := t.Context()
	fetches := func() int {
		b.mu.Lock()
		defer b.mu.Unlock()
		return b.discoveries
	}
	if k, err := a.peers.ServerKey(ctx, "b.test", "ed25519:k1"); err != nil || !bytes.Equal(k, b.key.Public()) {
		t.Fatalf("k1: %x %v", k, err)
	}
	if n, err := a.peers.MaxTxnItems(ctx, "b.test"); err != nil || n != 100 || fetches() != 1 {
		t.Fatalf("max_txn_items %d %v after %d fetches", n, err, fetches())
	}
	rotated, err := fedsig.NewServerKey(wire.Seeded("k2", testNow), "ed25519:k2")
	if err != nil {
		t.Fatal(err)
	}
	b.set(func(n *node) { n.extraKeys = map[string]string{rotated.ID: wire.EncodeBytes(rotated.Public())} })
	if k, _ := a.peers.ServerKey(ctx, "b.test", "ed25519:k2"); k != nil || fetches() != 1 {
		t.Errorf("an unknown key refetched within the minute (%d fetches)", fetches())
	}
	l.clock.advance(RefetchInterval)
	if k, err := a.peers.ServerKey(ctx, "b.test", "ed25519:k2"); err != nil || !bytes.Equal(k, rotated.Public()) || fetches() != 2 {
		t.Errorf("k2 after a minute: %x %v, %d fetches", k, err, fetches())
	}
	l.clock.advance(DiscoveryTTL - time.Second)
	if _, err := a.peers.Discovery(ctx, "b.test"); err != nil || fetches() != 2 {
		t.Errorf("refetched within the hour (%d fetches)", fetches())
	}
	l.clock.advance(time.Minute)
	b.set(func(n *node) { n.claim = "c.test" })
	if _, err := a.peers.Discovery(ctx, "b.test"); err == nil || fetches() != 3 || !strings.Contains(err.Error(), "c.test") {
		t.Errorf("a document naming c.test: %v (%d fetches)", err, fetches())
	}
	if k, err := a.peers.ServerKey(ctx, "b.test", "ed25519:k1"); err == nil || k != nil {
		t.Errorf("key of an unusable document: %x %v", k, err)
	}
}
