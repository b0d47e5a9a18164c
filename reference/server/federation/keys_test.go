package federation

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/fedsig"
	"github.com/emsg-project/emsg/reference/protocol/keys"
	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/reference/server/httpapi"
	"github.com/emsg-project/emsg/reference/server/ratelimit"
	"github.com/emsg-project/emsg/reference/server/store"
	"github.com/emsg-project/emsg/spec"
)

// rawBundle is the JSON of b.
func rawBundle(t *testing.T, b keys.Bundle) []byte {
	t.Helper()
	raw, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// chainTable is what a test key server answers: address → bundles.
type chainTable struct {
	mu sync.Mutex
	m  map[string][][]byte
}

func (c *chainTable) replace(m map[string][][]byte) { c.mu.Lock(); c.m = m; c.mu.Unlock() }

func (c *chainTable) read(addr string) ([][]byte, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if chain, ok := c.m[addr]; ok {
		return chain, nil
	}
	return nil, httpapi.Errorf("not_found", "%s has no account", addr)
}

// serveKeys mounts a key server on n that answers chains; other
// addresses are not_found.
func (n *node) serveKeys(chains map[string][][]byte) *chainTable {
	c := &chainTable{m: chains}
	ks := NewKeyServer(n.cfg, n.deps, n.peers, c.read)
	n.set(func(n *node) { ks.Routes(n.mux) })
	return c
}

// The key endpoint's checks in the spec's order, each exchange checked
// against federation.yaml.
func TestKeyServer(t *testing.T) {
	l := newLab(t, "a.test", "b.test")
	a, b := l.nodes["a.test"], l.nodes["b.test"]
	bob := rawBundle(t, identity(t, "bob#b.test").Bundle())
	b.serveKeys(map[string][][]byte{"bob#b.test": {bob}})
	const target = KeysPath + "bob%23b.test"
	sign := func(target, dest string, skew time.Duration) string {
		h, err := fedsig.Sign(wire.Seeded("sign", l.clock.Now().Add(skew)), a.key, http.MethodGet, target, "a.test", dest, nil)
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	tests := []struct {
		name, target, auth string
		status             int
		code               string
	}{
		// happy path: bob's chain
		{"a local account", target, sign(target, "b.test", 0), 200, ""},
		// sad path
		{"no signature", target, "", 401, "unauthorized"},
		{"signed for another server", target, sign(target, "c.test", 0), 403, "forbidden"},
		{"stale", target, sign(target, "b.test", -6*time.Minute), 401, "unauthorized"},
		{"signed for another address", target, sign(KeysPath+"eve%23b.test", "b.test", 0), 401, "bad_signature"},
		{"an address of another domain", KeysPath + "bob%23c.test", sign(KeysPath+"bob%23c.test", "b.test", 0), 403, "forbidden"},
		{"no such account", KeysPath + "nobody%23b.test", sign(KeysPath+"nobody%23b.test", "b.test", 0), 404, "not_found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, tt.target, nil)
			req.Host = "b.test"
			if tt.auth != "" {
				req.Header.Set("Authorization", tt.auth)
			}
			rec := httptest.NewRecorder()
			b.mux.ServeHTTP(rec, req)
			resp := rec.Result()
			body := rec.Body.Bytes()
			if err := spec.ValidateExchange(spec.FederationAPI, req, nil, resp, body); err != nil {
				var xe *spec.ExchangeError
				if !errors.As(err, &xe) || xe.Phase != spec.PhaseRequest { // a request without Authorization breaks the document itself
					t.Errorf("the answer breaks the spec: %v\n%s", err, body)
				}
			}
			if resp.StatusCode != tt.status || (tt.code != "" && !strings.Contains(string(body), `"`+tt.code+`"`)) {
				t.Errorf("got %d %s, want %d %s", resp.StatusCode, body, tt.status, tt.code)
			}
		})
	}
}

// KEY-FETCH-01, -04: a fetched chain is believed only when every bundle
// and link verifies; a server that cannot be reached, or whose chain does
// not verify, is unavailable; the server's not_found comes back as it is.
func TestKeyFetcher(t *testing.T) {
	l := newLab(t, "a.test", "b.test")
	a, b := l.nodes["a.test"], l.nodes["b.test"]
	bobID := identity(t, "bob#b.test")
	rotated, err := bobID.Rotate(wire.Seeded("rotate bob", testNow.Add(time.Second)))
	if err != nil {
		t.Fatal(err)
	}
	first, second := rawBundle(t, bobID.Bundle()), rawBundle(t, rotated.Bundle())
	eve := rawBundle(t, identity(t, "eve#b.test").Bundle())
	table := b.serveKeys(map[string][][]byte{
		"bob#b.test":   {first, second},
		"carol#b.test": {first},         // bundles of another account
		"dave#b.test":  {second, first}, // the links in the wrong order
		"eve#b.test":   {swapSig(eve)},  // a bundle whose signature fails
	})
	f := NewKeyFetcher(a.peers, a.key, "a.test", a.deps)
	tests := []struct {
		name    string
		addr    string
		code    string // "" for success
		bundles int
	}{
		// happy path: the whole chain
		{"a rotated account", "bob#b.test", "", 2},
		// sad path
		{"no such account", "nobody#b.test", "not_found", 0},
		{"another account's bundles", "carol#b.test", "unavailable", 0},
		{"links out of order", "dave#b.test", "unavailable", 0},
		{"a forged bundle", "eve#b.test", "unavailable", 0},
		{"an unreachable server", "zed#c.test", "unavailable", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			chain, err := f.FetchChain(context.Background(), address.MustParse(tt.addr))
			var e *httpapi.Error
			switch {
			case tt.code == "" && err != nil:
				t.Fatalf("got %v", err)
			case tt.code != "" && (!errors.As(err, &e) || e.Code != tt.code):
				t.Fatalf("got %v, want %s", err, tt.code)
			case len(chain) != tt.bundles:
				t.Fatalf("got %d bundles, want %d", len(chain), tt.bundles)
			}
		})
	}

	// The chain is cached, until Forget (a key_rotated item) or KeyCacheTTL.
	table.replace(map[string][][]byte{"bob#b.test": {first}})
	if chain, _ := f.FetchChain(context.Background(), address.MustParse("bob#b.test")); len(chain) != 2 {
		t.Errorf("not cached: %d bundles", len(chain))
	}
	f.Forget("bob#b.test")
	if chain, _ := f.FetchChain(context.Background(), address.MustParse("bob#b.test")); len(chain) != 1 {
		t.Errorf("after Forget: %d bundles, want the server's 1", len(chain))
	}
}

// swapSig returns raw with two different neighbouring characters of its
// sig exchanged (still well-formed base64url), so that the signature no
// longer verifies.
func swapSig(raw []byte) []byte {
	b := []byte(string(raw))
	i := strings.Index(string(b), `"sig":"`) + len(`"sig":"`)
	for b[i] == b[i+1] {
		i++
	}
	b[i], b[i+1] = b[i+1], b[i]
	return b
}

// KEY-ROTATE-02 (receiving side): a key_rotated item reaches the listed
// accounts that hold the sender as an accepted contact, once.
func TestKeyRotatedItems(t *testing.T) {
	l := newLab(t, "a.test", "b.test")
	a, b := l.nodes["a.test"], l.nodes["b.test"]
	b.account("bob#b.test", false)
	b.account("dora#b.test", false)
	alice := identity(t, "alice#a.test")
	b.update(func(tx *store.Tx) error {
		return tx.PutContact("bob#b.test", store.Contact{Address: "alice#a.test", State: store.ContactAccepted, Bundle: rawBundle(t, alice.Bundle()), Updated: 1})
	})
	rotated, err := alice.Rotate(wire.Seeded("rotate alice", testNow.Add(time.Second)))
	if err != nil {
		t.Fatal(err)
	}
	item := func(b keys.Bundle, to ...string) json.RawMessage {
		raw, _ := json.Marshal(map[string]any{"kind": "key_rotated", "bundle": b, "to": to})
		return raw
	}
	rows := []struct {
		item json.RawMessage
		want string
	}{
		{item(rotated.Bundle(), "bob#b.test", "dora#b.test", "nobody#b.test"), "ok"}, // bob is told; dora (no contact) and nobody are skipped
		{item(rotated.Bundle(), "bob#b.test"), "duplicate"},                          // (address, created) again
		{item(alice.Bundle(), "bob#b.test"), "bad_request"},                          // no prev: not a rotation
	}
	for i, r := range rows {
		status, body := b.deliver(l.signed(a.key, "b.test", 0, txnBody(t, "a.test", "b.test", "kr"+string(rune('0'+i)), r.item)))
		var rs results
		_ = json.Unmarshal(body, &rs)
		if status != 200 || len(rs.Results) != 1 {
			t.Fatalf("row %d: %d %s", i, status, body)
		}
		got := rs.Results[0].Status
		if got == statusError {
			got = rs.Results[0].Error
		}
		if got != r.want {
			t.Errorf("row %d: got %s (%s), want %s", i, got, rs.Results[0].Message, r.want)
		}
	}
	if got := kinds(b.events("bob#b.test")); len(got) != 1 || got[0] != "key_rotated" {
		t.Errorf("bob's log: %v, want one key_rotated", got)
	}
	if got := b.events("dora#b.test"); len(got) != 0 {
		t.Errorf("dora, not a contact, was told: %v", kinds(got))
	}
	var c store.Contact
	_ = b.st.View(func(tx *store.Tx) error { c, _, _ = tx.GetContact("bob#b.test", "alice#a.test"); return nil })
	if !strings.Contains(string(c.Bundle), `"prev"`) {
		t.Errorf("bob's contact record keeps the old bundle: %s", c.Bundle)
	}
}

// A peer's key chain answer never makes the fetcher believe a chain that
// is not for the address or does not verify.
func FuzzVerifiedChain(f *testing.F) {
	id, _ := keys.NewIdentity(wire.Seeded("fuzz bob", testNow), address.MustParse("bob#b.test"))
	next, _ := id.Rotate(wire.Seeded("fuzz bob 2", testNow.Add(time.Second)))
	one, _ := json.Marshal(map[string]any{"bundles": []keys.Bundle{id.Bundle()}})
	two, _ := json.Marshal(map[string]any{"bundles": []keys.Bundle{id.Bundle(), next.Bundle()}})
	for _, seed := range [][]byte{one, two, []byte(`{"bundles":[]}`), []byte(`{}`), []byte(`[`)} {
		f.Add(seed)
	}
	bob := address.MustParse("bob#b.test")
	f.Fuzz(func(t *testing.T, body []byte) {
		chain, err := verifiedChain(bob, body)
		if err != nil {
			return
		}
		bundles := make([]keys.Bundle, len(chain))
		for i, raw := range chain {
			b, err := keys.ParseBundle(raw)
			if err != nil || b.Address != bob {
				t.Fatalf("believed bundle %d: %s (%v)", i, raw, err)
			}
			bundles[i] = b
		}
		if err := keys.VerifyChain(bundles); err != nil {
			t.Fatalf("believed a chain that does not verify: %v", err)
		}
	})
}

// Key fetches count against the origin's federation limit.
func TestKeyServerLimitsEachOrigin(t *testing.T) {
	l := newLab(t, "a.test", "b.test")
	a, b := l.nodes["a.test"], l.nodes["b.test"]
	c := &chainTable{m: map[string][][]byte{"bob#b.test": {rawBundle(t, identity(t, "bob#b.test").Bundle())}}}
	ks := NewKeyServer(b.cfg, b.deps, b.peers, c.read)
	ks.SetLimiter(ratelimit.New("fetches", 1, l.clock.Now))
	b.set(func(n *node) { ks.Routes(n.mux) })
	f := NewKeyFetcher(a.peers, a.key, "a.test", a.deps)
	bob := address.MustParse("bob#b.test")
	if _, err := f.FetchChain(context.Background(), bob); err != nil {
		t.Fatal(err)
	}
	f.Forget("bob#b.test")
	var e *httpapi.Error
	if _, err := f.FetchChain(context.Background(), bob); !errors.As(err, &e) || e.Code != "unavailable" || !strings.Contains(e.Message, "429") {
		t.Fatalf("second fetch within the minute: %v, want unavailable after a 429", err)
	}
}
