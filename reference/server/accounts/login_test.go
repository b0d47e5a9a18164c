package accounts

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/emsg-project/emsg/reference/protocol/account"
	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/keys"
	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/reference/server/store"
	"github.com/emsg-project/emsg/spec"
)

// validLogin is a stand-in for login requests that break the spec.
func validLogin(t *testing.T) call {
	t.Helper()
	ex, err := spec.SchemaExamples("login-request")
	if err != nil {
		t.Fatal(err)
	}
	return call{method: http.MethodPost, target: "/emsg/v1/login", body: ex[0]}
}

// LOGIN-CHAL-01, LOGIN-TOKEN-01, LOGIN-LOGOUT-01: challenge, proof, token,
// an authenticated request, logout, and the token refused afterwards.
func TestLoginFlow(t *testing.T) {
	h := newHarness(t)
	id := h.identity("alice#a.test")
	h.register(id)

	rep := h.send(call{method: http.MethodPost, target: "/emsg/v1/login/challenge", body: []byte(`{"address":"alice#a.test"}`)})
	want(t, rep, http.StatusOK, "")
	var ch challengeResponse
	if err := json.Unmarshal(rep.body, &ch); err != nil {
		t.Fatal(err)
	}
	if len(ch.Challenge) != account.ChallengeSize {
		t.Errorf("challenge of %d bytes, want %d", len(ch.Challenge), account.ChallengeSize)
	}
	if got, max := ch.Expires, h.clock.millis()+300_000; got != max {
		t.Errorf("challenge expires at %d, want %d (5 minutes)", got, max)
	}

	rep = h.postLogin(h.proof(id.Address(), id.SignKey(), ch.Challenge, domain, 0))
	want(t, rep, http.StatusOK, "")
	var tok tokenResponse
	if err := json.Unmarshal(rep.body, &tok); err != nil {
		t.Fatal(err)
	}
	if raw, err := wire.DecodeBytes(tok.Token); err != nil || len(raw) < 16 {
		t.Errorf("token %q carries %d random bytes (%v), want at least 16", tok.Token, len(raw), err)
	}
	if got, limit := tok.Expires, h.clock.millis()+wire.Millis((30*24*time.Hour).Milliseconds()); got <= h.clock.millis() || got > limit {
		t.Errorf("token expires at %d, want within 30 days of %d", got, h.clock.millis())
	}

	settings := call{method: http.MethodGet, target: "/emsg/v1/settings", token: tok.Token}
	want(t, h.send(settings), http.StatusOK, "")
	want(t, h.send(call{method: http.MethodPost, target: "/emsg/v1/logout", token: tok.Token}), http.StatusNoContent, "")
	want(t, h.send(settings), http.StatusUnauthorized, "unauthorized")
	want(t, h.send(call{method: http.MethodPost, target: "/emsg/v1/logout", token: tok.Token}), http.StatusUnauthorized, "unauthorized")
}

// Two logins give two tokens; logging one out leaves the other working.
func TestLogoutRevokesOnlyItsToken(t *testing.T) {
	h := newHarness(t)
	id, first := h.user("alice")
	second := h.login(id)
	if first == second {
		t.Fatal("two logins returned the same token")
	}
	want(t, h.send(call{method: http.MethodPost, target: "/emsg/v1/logout", token: first}), http.StatusNoContent, "")
	want(t, h.send(call{method: http.MethodGet, target: "/emsg/v1/settings", token: second}), http.StatusOK, "")
}

// LOGIN-CHAL-02: an address without an account gets a challenge of the
// same status and shape; so does one of another domain.
func TestChallengeDoesNotRevealAccounts(t *testing.T) {
	h := newHarness(t)
	h.register(h.identity("alice#a.test"))
	shape := func(addr string) (int, []string) {
		rep := h.send(call{method: http.MethodPost, target: "/emsg/v1/login/challenge", body: []byte(`{"address":"` + addr + `"}`)})
		var m map[string]any
		_ = json.Unmarshal(rep.body, &m)
		var keys []string
		for k := range m {
			keys = append(keys, k)
		}
		return rep.status, keys
	}
	s1, k1 := shape("alice#a.test")
	for _, other := range []string{"nobody#a.test", "alice#b.test"} {
		s2, k2 := shape(other)
		if s1 != s2 || len(k1) != len(k2) {
			t.Errorf("%s: %d %v, while an account gets %d %v", other, s2, k2, s1, k1)
		}
	}
}

// The challenge endpoint's own refusals.
func TestChallengeRefusals(t *testing.T) {
	stand := call{method: http.MethodPost, target: "/emsg/v1/login/challenge", body: []byte(`{"address":"alice#a.test"}`)}
	tests := []struct {
		name   string
		body   string
		status int
		code   string
	}{
		// ADDR-SIGNED-01: an address in a body must be lower case
		{"upper-case address", `{"address":"Alice#a.test"}`, http.StatusBadRequest, "bad_address"},
		// ADDR-DOMAIN-01: a single-label domain
		{"single-label domain", `{"address":"alice#localhost"}`, http.StatusBadRequest, "bad_address"},
		// the address is not a string: a schema failure, not an address one
		{"address not a string", `{"address":7}`, http.StatusBadRequest, "bad_request"},
		// ENC-CLOSED-01: a required member missing
		{"no address", `{}`, http.StatusBadRequest, "bad_request"},
		// ENC-UTF8-01: not JSON at all
		{"not JSON", `{"address":`, http.StatusBadRequest, "bad_request"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			c := stand
			c.body = []byte(tt.body)
			want(t, h.sendInvalid(c, stand), tt.status, tt.code)
		})
	}
}

func TestLoginRefusals(t *testing.T) {
	// Each row gets a server with alice (registered, then rotated to her
	// current keys), bob (registered) and the row's own proof.
	type world struct {
		h          *harness
		alice, old *keys.Identity
		bob        *keys.Identity
	}
	alice := address.MustParse("alice#a.test")
	tests := []struct {
		name    string
		proof   func(w world) []byte
		invalid bool // the request breaks the spec itself
		status  int
		code    string
	}{
		// happy path: the current key, the challenge just issued
		{"valid proof", func(w world) []byte {
			return w.h.proof(alice, w.alice.SignKey(), w.h.challenge("alice#a.test"), domain, 0)
		}, false, http.StatusOK, ""},
		// happy path: ts exactly 300000 ms behind the server's clock is inside the window
		{"ts at the window's edge", func(w world) []byte {
			return w.h.proof(alice, w.alice.SignKey(), w.h.challenge("alice#a.test"), domain, -5*time.Minute)
		}, false, http.StatusOK, ""},
		// LOGIN-PROOF-02 (and the order: account first): no account for the address
		{"no such account", func(w world) []byte {
			carol := w.h.identity("carol#a.test")
			return w.h.proof(carol.Address(), carol.SignKey(), w.h.challenge("carol#a.test"), domain, 0)
		}, false, http.StatusUnauthorized, "unauthorized"},
		// LOGIN-PROOF-02: a challenge this server never issued
		{"unknown challenge", func(w world) []byte {
			return w.h.proof(alice, w.alice.SignKey(), make([]byte, 32), domain, 0)
		}, false, http.StatusUnauthorized, "unauthorized"},
		// LOGIN-PROOF-02: a challenge issued to bob, signed by alice
		{"challenge of another address", func(w world) []byte {
			return w.h.proof(alice, w.alice.SignKey(), w.h.challenge("bob#a.test"), domain, 0)
		}, false, http.StatusUnauthorized, "unauthorized"},
		// LOGIN-PROOF-02: the challenge expired (5 minutes and 1 ms); the proof itself is fresh
		{"expired challenge", func(w world) []byte {
			ch := w.h.challenge("alice#a.test")
			w.h.clock.advance(5*time.Minute + time.Millisecond)
			return w.h.proof(alice, w.alice.SignKey(), ch, domain, 0)
		}, false, http.StatusUnauthorized, "unauthorized"},
		// LOGIN-PROOF-03: the challenge was used by an earlier login
		{"replayed challenge", func(w world) []byte {
			body := w.h.proof(alice, w.alice.SignKey(), w.h.challenge("alice#a.test"), domain, 0)
			want(t, w.h.postLogin(body), http.StatusOK, "")
			return body
		}, false, http.StatusConflict, "replayed"},
		// LOGIN-PROOF-04: the proof names another server
		{"another domain", func(w world) []byte {
			return w.h.proof(alice, w.alice.SignKey(), w.h.challenge("alice#a.test"), "b.test", 0)
		}, false, http.StatusUnauthorized, "unauthorized"},
		// LOGIN-PROOF-04: ts 300001 ms in the past
		{"ts too old", func(w world) []byte {
			return w.h.proof(alice, w.alice.SignKey(), w.h.challenge("alice#a.test"), domain, -5*time.Minute-time.Millisecond)
		}, false, http.StatusUnauthorized, "unauthorized"},
		// LOGIN-PROOF-04: ts 300001 ms in the future
		{"ts too new", func(w world) []byte {
			return w.h.proof(alice, w.alice.SignKey(), w.h.challenge("alice#a.test"), domain, 5*time.Minute+time.Millisecond)
		}, false, http.StatusUnauthorized, "unauthorized"},
		// LOGIN-PROOF-01: signed by a key that is not alice's
		{"stranger's key", func(w world) []byte {
			return w.h.proof(alice, w.bob.SignKey(), w.h.challenge("alice#a.test"), domain, 0)
		}, false, http.StatusUnauthorized, "bad_signature"},
		// LOGIN-PROOF-01: signed by alice's key before her rotation
		{"previous key", func(w world) []byte {
			return w.h.proof(alice, w.old.SignKey(), w.h.challenge("alice#a.test"), domain, 0)
		}, false, http.StatusUnauthorized, "bad_signature"},
		// the order: an unknown challenge is unauthorized even with a bad signature
		{"unknown challenge and bad signature", func(w world) []byte {
			return w.h.proof(alice, w.bob.SignKey(), make([]byte, 32), domain, 0)
		}, false, http.StatusUnauthorized, "unauthorized"},
		// ADMIN-SUSPEND-01: a suspended account cannot log in
		{"suspended account", func(w world) []byte {
			w.h.setAccount("alice#a.test", func(a *store.Account) { a.State = store.StateSuspended })
			return w.h.proof(alice, w.alice.SignKey(), w.h.challenge("alice#a.test"), domain, 0)
		}, false, http.StatusForbidden, "forbidden"},
		// a deleted account has no account to log in to
		{"deleted account", func(w world) []byte {
			w.h.setAccount("alice#a.test", func(a *store.Account) { a.State = store.StateDeleted })
			return w.h.proof(alice, w.alice.SignKey(), w.h.challenge("alice#a.test"), domain, 0)
		}, false, http.StatusUnauthorized, "unauthorized"},
		// JCS-TYPE-01: a proof of another type is refused by the schema
		{"wrong type", func(w world) []byte {
			body := w.h.proof(alice, w.alice.SignKey(), w.h.challenge("alice#a.test"), domain, 0)
			return []byte(strings.Replace(string(body), `"type":"login"`, `"type":"delete"`, 1))
		}, true, http.StatusBadRequest, "bad_request"},
		// ADDR-SIGNED-01: the proof's address in upper case
		{"upper-case address", func(w world) []byte {
			body := w.h.proof(alice, w.alice.SignKey(), w.h.challenge("alice#a.test"), domain, 0)
			return []byte(strings.Replace(string(body), `"alice#a.test"`, `"ALICE#a.test"`, 1))
		}, true, http.StatusBadRequest, "bad_address"},
		// SIG-LEN-01: a signature of 63 bytes
		{"short signature", func(w world) []byte {
			body := w.h.proof(alice, w.alice.SignKey(), w.h.challenge("alice#a.test"), domain, 0)
			var req struct{ Proof map[string]any }
			_ = json.Unmarshal(body, &req)
			req.Proof["sig"] = wire.EncodeBytes(make([]byte, 63))
			out, _ := json.Marshal(map[string]any{"proof": req.Proof})
			return out
		}, true, http.StatusBadRequest, "bad_request"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			old := h.identity("alice#a.test")
			h.register(old)
			cur := h.rotate(old)
			want(t, h.send(call{method: http.MethodPut, target: "/emsg/v1/keys", token: h.login(old), body: bundleBytes(t, cur)}), http.StatusOK, "")
			bob := h.identity("bob#a.test")
			h.register(bob)
			c := call{method: http.MethodPost, target: "/emsg/v1/login", body: tt.proof(world{h: h, alice: cur, old: old, bob: bob})}
			var rep reply
			if tt.invalid {
				rep = h.sendInvalid(c, validLogin(t))
			} else {
				rep = h.send(c)
			}
			want(t, rep, tt.status, tt.code)
		})
	}
}

// A refused proof changes nothing: its challenge still logs in with a good
// proof afterwards.
func TestRefusedProofKeepsTheChallenge(t *testing.T) {
	h := newHarness(t)
	id := h.identity("alice#a.test")
	h.register(id)
	stranger := h.identity("mallory#a.test")
	ch := h.challenge("alice#a.test")
	tests := []struct {
		name string
		body []byte
		code string
	}{
		// a bad signature
		{"stranger's key", h.proof(id.Address(), stranger.SignKey(), ch, domain, 0), "bad_signature"},
		// another server's domain
		{"another domain", h.proof(id.Address(), id.SignKey(), ch, "b.test", 0), "unauthorized"},
		// a stale ts
		{"stale ts", h.proof(id.Address(), id.SignKey(), ch, domain, -time.Hour), "unauthorized"},
	}
	for _, tt := range tests {
		if got := h.postLogin(tt.body).code(); got != tt.code {
			t.Errorf("%s: code %q, want %q", tt.name, got, tt.code)
		}
	}
	want(t, h.postLogin(h.proof(id.Address(), id.SignKey(), ch, domain, 0)), http.StatusOK, "")
}

// LOGIN-PROOF-03 under load: one proof posted by many clients at once
// logs in exactly once; every other attempt is replayed.
func TestConcurrentLoginsUseAChallengeOnce(t *testing.T) {
	h := newHarness(t)
	id := h.identity("alice#a.test")
	h.register(id)
	body := h.proof(id.Address(), id.SignKey(), h.challenge("alice#a.test"), domain, 0)
	const n = 8
	codes := make(chan string, n)
	for range n {
		go func() { codes <- h.postLogin(body).code() }()
	}
	got := map[string]int{}
	for range n {
		got[<-codes]++
	}
	if got[""] != 1 || got["replayed"] != n-1 {
		t.Errorf("outcomes %v, want one login and %d replayed", got, n-1)
	}
}

// LOGIN-CHAL-01: challenges are fresh random bytes, never repeated.
func TestChallengesAreFresh(t *testing.T) {
	h := newHarness(t)
	seen := map[string]bool{}
	for range 16 {
		ch := string(h.challenge("alice#a.test"))
		if seen[ch] {
			t.Fatalf("challenge %x issued twice", ch)
		}
		seen[ch] = true
	}
}
