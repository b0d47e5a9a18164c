package accounts

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/emsg-project/emsg/reference/protocol/keys"
	"github.com/emsg-project/emsg/reference/server/store"
)

// chainOf decodes a key-chain answer and verifies it.
func chainOf(t *testing.T, body []byte) []keys.Bundle {
	t.Helper()
	var c struct{ Bundles []keys.Bundle }
	if err := json.Unmarshal(body, &c); err != nil {
		t.Fatalf("key chain %s: %v", body, err)
	}
	if err := keys.VerifyChain(c.Bundles); err != nil {
		t.Fatalf("key chain does not verify: %v", err)
	}
	return c.Bundles
}

func TestGetKeys(t *testing.T) {
	h := newHarness(t)
	alice, tok := h.user("alice")
	bob, _ := h.user("bob")
	h.register(h.identity("gone#a.test"))
	h.setAccount("gone#a.test", func(a *store.Account) { a.State = store.StateDeleted })
	h.register(h.identity("away#a.test"))
	h.setAccount("away#a.test", func(a *store.Account) { a.State, a.MovedTo = store.StateMoved, "away#z.test" })
	stand := call{method: http.MethodGet, target: "/emsg/v1/keys/alice%23a.test", token: tok}

	tests := []struct {
		name    string
		path    string
		invalid bool // the path breaks client.yaml's Address parameter
		status  int
		code    string
		owner   *keys.Identity // whose bundle a 200 carries
	}{
		// KEY-KEEP-01: the caller's own chain
		{"own chain", "alice%23a.test", false, http.StatusOK, "", alice},
		// another local account's chain
		{"another account", "bob%23a.test", false, http.StatusOK, "", bob},
		// ADDR-CASE-01, ADDR-URL-01: a path address is folded
		{"upper case in the path", "BOB%23A.Test", false, http.StatusOK, "", bob},
		// KEY-FETCH-02: no account on this domain
		{"no such account", "carol%23a.test", false, http.StatusNotFound, "not_found", nil},
		// KEY-FETCH-03: a deleted account
		{"deleted account", "gone%23a.test", false, http.StatusGone, "gone", nil},
		// KEY-FETCH-03: a moved account, with moved_to
		{"moved account", "away%23a.test", false, http.StatusGone, "moved", nil},
		// KEY-FETCH-04 (for now): a remote address cannot be fetched yet
		{"remote address", "dave%23b.test", false, http.StatusServiceUnavailable, "unavailable", nil},
		// ADDR-SYNTAX-01: no "#"
		{"no separator", "alice", true, http.StatusBadRequest, "bad_address", nil},
		// ADDR-REPAIR-01: "@" is not repaired into "#"
		{"at sign", "alice@a.test", true, http.StatusBadRequest, "bad_address", nil},
		// ADDR-REPAIR-01: a percent-encoded sequence left after decoding
		{"percent-encoded residue", "alice%2523a.test", true, http.StatusBadRequest, "bad_address", nil},
		// ADDR-DOMAIN-02: a numeric last label
		{"IP literal", "alice%2310.0.0.1", true, http.StatusBadRequest, "bad_address", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := call{method: http.MethodGet, target: "/emsg/v1/keys/" + tt.path, token: tok}
			var rep reply
			if tt.invalid {
				rep = h.sendInvalid(c, stand)
			} else {
				rep = h.send(c)
			}
			want(t, rep, tt.status, tt.code)
			if tt.owner != nil {
				chain := chainOf(t, rep.body)
				if len(chain) != 1 || chain[0].Address != tt.owner.Address() {
					t.Errorf("chain %s, want %s's one bundle", rep.body, tt.owner.Address())
				}
			}
			if tt.code == "moved" && !strings.Contains(string(rep.body), `"moved_to":"away#z.test"`) {
				t.Errorf("moved answer %s lacks moved_to", rep.body)
			}
		})
	}
}

// KEY-KEEP-01, KEY-CHAIN-01, LOGIN-PROOF-01: rotations extend the chain,
// which GET /keys serves oldest first; the new key logs in, the old one no
// longer does; a repeated upload changes nothing.
func TestRotateKeys(t *testing.T) {
	h := newHarness(t)
	first, tok := h.user("alice")
	h.clock.advance(time.Hour)
	second := h.rotate(first)
	rotate := call{method: http.MethodPut, target: "/emsg/v1/keys", token: tok, body: bundleBytes(t, second)}

	rep := h.send(rotate)
	want(t, rep, http.StatusOK, "")
	if chain := chainOf(t, rep.body); len(chain) != 2 {
		t.Fatalf("chain of %d bundles after one rotation, want 2", len(chain))
	}
	// the same upload again: harmless, the chain is unchanged
	rep = h.send(rotate)
	want(t, rep, http.StatusOK, "")
	if chain := chainOf(t, rep.body); len(chain) != 2 {
		t.Fatalf("chain of %d bundles after a repeated upload, want 2", len(chain))
	}

	third := h.rotate(second)
	want(t, h.send(call{method: http.MethodPut, target: "/emsg/v1/keys", token: tok, body: bundleBytes(t, third)}), http.StatusOK, "")
	rep = h.send(call{method: http.MethodGet, target: "/emsg/v1/keys/alice%23a.test", token: tok})
	want(t, rep, http.StatusOK, "")
	chain := chainOf(t, rep.body)
	for i, id := range []*keys.Identity{first, second, third} {
		if i >= len(chain) || string(chain[i].SignKey) != string(id.Bundle().SignKey) {
			t.Fatalf("chain position %d is not the bundle uploaded %d-th: %s", i, i+1, rep.body)
		}
	}

	h.login(third)
	ch := h.challenge("alice#a.test")
	want(t, h.postLogin(h.proof(first.Address(), second.SignKey(), ch, domain, 0)), http.StatusUnauthorized, "bad_signature")
}

func TestRotateKeysRefusals(t *testing.T) {
	tests := []struct {
		name    string
		bundle  func(h *harness, cur *keys.Identity) []byte
		invalid bool
		status  int
		code    string
	}{
		// KEY-CHAIN-01: no prev (a fresh bundle for the same address)
		{"no prev", func(h *harness, _ *keys.Identity) []byte {
			return bundleBytes(t, h.identity("alice#a.test"))
		}, false, http.StatusUnauthorized, "bad_signature"},
		// KEY-CHAIN-01: prev names a key that is not the current one
		{"prev is not the current key", func(h *harness, _ *keys.Identity) []byte {
			return bundleBytes(t, h.rotate(h.identity("alice#a.test")))
		}, false, http.StatusUnauthorized, "bad_signature"},
		// KEY-CHAIN-01: two rotations ahead, skipping the middle bundle
		{"skipped link", func(h *harness, cur *keys.Identity) []byte {
			return bundleBytes(t, h.rotate(h.rotate(cur)))
		}, false, http.StatusUnauthorized, "bad_signature"},
		// KEY-CHAIN-01: created not later than the current bundle's
		{"created not later", func(h *harness, cur *keys.Identity) []byte {
			next := h.rotate(cur)
			b := next.Bundle()
			b.Created = cur.Bundle().Created
			return signedBundle(t, b, next.SignKey(), cur.SignKey())
		}, false, http.StatusUnauthorized, "bad_signature"},
		// KEY-PREV-01: prev.sig is not by prev.sign_key
		{"prev signed by another key", func(h *harness, cur *keys.Identity) []byte {
			next := h.rotate(cur)
			return signedBundle(t, next.Bundle(), next.SignKey(), h.identity("mallory#a.test").SignKey())
		}, false, http.StatusUnauthorized, "bad_signature"},
		// KEY-SIG-01: sig is not by the bundle's own sign key
		{"bundle signed by the old key", func(h *harness, cur *keys.Identity) []byte {
			next := h.rotate(cur)
			return signedBundle(t, next.Bundle(), cur.SignKey(), cur.SignKey())
		}, false, http.StatusUnauthorized, "bad_signature"},
		// KEY-OWNER-01: a valid rotation of bob's keys, uploaded by alice
		{"another account's bundle", func(h *harness, _ *keys.Identity) []byte {
			bob := h.identity("bob#a.test")
			h.register(bob)
			return bundleBytes(t, h.rotate(bob))
		}, false, http.StatusForbidden, "forbidden"},
		// KEY-LOWORDER-01: a low-order box key
		{"low-order box key", func(h *harness, cur *keys.Identity) []byte {
			next := h.rotate(cur)
			b := next.Bundle()
			b.BoxKey = make([]byte, 32)
			return signedBundle(t, b, next.SignKey(), cur.SignKey())
		}, false, http.StatusBadRequest, "bad_request"},
		// ADDR-SIGNED-01: the address in upper case
		{"upper-case address", func(h *harness, cur *keys.Identity) []byte {
			return []byte(strings.Replace(string(bundleBytes(t, h.rotate(cur))), "alice#a.test", "alice#A.test", 1))
		}, true, http.StatusBadRequest, "bad_address"},
		// ENC-CLOSED-01: a member the schema does not define
		{"unknown member", func(h *harness, cur *keys.Identity) []byte {
			raw := string(bundleBytes(t, h.rotate(cur)))
			return []byte(raw[:len(raw)-1] + `,"note":"x"}`)
		}, true, http.StatusBadRequest, "bad_request"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			cur, tok := h.user("alice")
			h.clock.advance(time.Hour)
			c := call{method: http.MethodPut, target: "/emsg/v1/keys", token: tok, body: tt.bundle(h, cur)}
			var rep reply
			if tt.invalid {
				stand := call{method: http.MethodPut, target: "/emsg/v1/keys", token: tok, body: bundleBytes(t, h.rotate(cur))}
				rep = h.sendInvalid(c, stand)
			} else {
				rep = h.send(c)
			}
			want(t, rep, tt.status, tt.code)
			rep = h.send(call{method: http.MethodGet, target: "/emsg/v1/keys/alice%23a.test", token: tok})
			if chain := chainOf(t, rep.body); len(chain) != 1 {
				t.Errorf("a refused rotation changed the chain: %d bundles", len(chain))
			}
		})
	}
}
