package accounts

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/reference/server/config"
	"github.com/emsg-project/emsg/reference/server/store"
	"github.com/emsg-project/emsg/spec"
)

// registerCall is a POST /register of body.
func registerCall(body []byte) call {
	return call{method: http.MethodPost, target: "/emsg/v1/register", body: body}
}

// validRegister is a stand-in for register requests that break the spec.
func validRegister(t *testing.T) call {
	t.Helper()
	ex, err := spec.SchemaExamples("register-request")
	if err != nil {
		t.Fatal(err)
	}
	return registerCall(ex[0])
}

// ACCT-REG-01, SET-DEFAULT-01: a registered account answers 201 with its
// address, publishes its bundle byte for byte, and starts with the
// default settings.
func TestRegisterCreatesTheAccount(t *testing.T) {
	h := newHarness(t)
	id := h.identity("alice#a.test")
	raw := bundleBytes(t, id)
	rep := h.send(registerCall(registerBody(raw, "")))
	want(t, rep, http.StatusCreated, "")
	if string(rep.body) != `{"address":"alice#a.test"}` {
		t.Errorf("answer %s, want the address", rep.body)
	}
	tok := h.login(id)

	rep = h.send(call{method: http.MethodGet, target: "/emsg/v1/keys/alice%23a.test", token: tok})
	want(t, rep, http.StatusOK, "")
	if wantChain := `{"bundles":[` + string(raw) + `]}`; string(rep.body) != wantChain {
		t.Errorf("chain %s, want %s", rep.body, wantChain)
	}

	rep = h.send(call{method: http.MethodGet, target: "/emsg/v1/settings", token: tok})
	want(t, rep, http.StatusOK, "")
	wantSettings := `{"accept_strangers":false,"accept_requests":true,"ttl":604800,"typing":true,"presence":true}`
	if string(rep.body) != wantSettings {
		t.Errorf("settings %s, want the defaults %s", rep.body, wantSettings)
	}
}

// The bundle is stored as received, not re-encoded: white space and member
// order the client chose come back from GET /keys (its signature covers the
// bytes as received).
func TestRegisterKeepsTheBundleBytes(t *testing.T) {
	h := newHarness(t)
	id := h.identity("alice#a.test")
	b := id.Bundle()
	raw := []byte(`{ "sig": ` + b.Sig.String() + `, "created": ` + jsonNumber(b.Created) +
		`, "box_key": ` + b.BoxKey.String() + `, "sign_key": ` + b.SignKey.String() + `, "address": "alice#a.test" }`)
	want(t, h.send(registerCall(registerBody(raw, ""))), http.StatusCreated, "")
	tok := h.login(id)
	rep := h.send(call{method: http.MethodGet, target: "/emsg/v1/keys/alice%23a.test", token: tok})
	want(t, rep, http.StatusOK, "")
	var chain struct{ Bundles []json.RawMessage }
	if err := json.Unmarshal(rep.body, &chain); err != nil || len(chain.Bundles) != 1 {
		t.Fatalf("chain %s: %v", rep.body, err)
	}
	var compact bytes.Buffer
	_ = json.Compact(&compact, raw)
	if !bytes.Equal(chain.Bundles[0], compact.Bytes()) {
		t.Errorf("bundle %s, want the bytes registered %s", chain.Bundles[0], compact.Bytes())
	}
}

func jsonNumber(m wire.Millis) string {
	b, _ := json.Marshal(m)
	return string(b)
}

func TestRegisterRefusals(t *testing.T) {
	// Accounts the rows collide with: a registered one, a deleted one and a
	// reserved local part.
	setup := func(h *harness) {
		h.register(h.identity("taken#a.test"))
		h.register(h.identity("gone#a.test"))
		h.setAccount("gone#a.test", func(a *store.Account) { a.State = store.StateDeleted })
		err := h.st.Update(t.Context(), func(tx *store.Tx) error {
			return tx.Reserve("kept", wire.ToMillis(t0.Add(180*24*time.Hour)))
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name    string
		body    func(h *harness) []byte
		invalid bool // the request itself breaks the spec (schema, content type)
		ctype   string
		status  int
		code    string
	}{
		// ACCT-REG-02: the bundle's address is on another server's domain.
		{"another domain", func(h *harness) []byte {
			return registerBody(bundleBytes(t, h.identity("alice#b.test")), "")
		}, false, "", http.StatusBadRequest, "bad_address"},
		// ACCT-REG-03: the address has an account.
		{"registered address", func(h *harness) []byte {
			return registerBody(bundleBytes(t, h.identity("taken#a.test")), "")
		}, false, "", http.StatusConflict, "address_taken"},
		// ACCT-REG-03: a deleted account keeps its address.
		{"deleted account's address", func(h *harness) []byte {
			return registerBody(bundleBytes(t, h.identity("gone#a.test")), "")
		}, false, "", http.StatusConflict, "address_taken"},
		// ACCT-REG-03: the local part is reserved after a deletion.
		{"reserved local part", func(h *harness) []byte {
			return registerBody(bundleBytes(t, h.identity("kept#a.test")), "")
		}, false, "", http.StatusConflict, "address_taken"},
		// ACCT-REG-04: a rotated bundle (with prev) cannot start an account.
		{"bundle with prev", func(h *harness) []byte {
			return registerBody(bundleBytes(t, h.rotate(h.identity("alice#a.test"))), "")
		}, false, "", http.StatusBadRequest, "bad_request"},
		// KEY-SIG-01: the signature is not by the bundle's own sign key.
		{"signed by another key", func(h *harness) []byte {
			other := h.identity("mallory#a.test")
			b := h.identity("alice#a.test").Bundle()
			return registerBody(signedBundle(t, b, other.SignKey(), nil), "")
		}, false, "", http.StatusUnauthorized, "bad_signature"},
		// KEY-LOWORDER-01: a box key of all zeros is a low-order point.
		{"low-order box key", func(h *harness) []byte {
			id := h.identity("alice#a.test")
			b := id.Bundle()
			b.BoxKey = make(wire.Bytes, 32)
			return registerBody(signedBundle(t, b, id.SignKey(), nil), "")
		}, false, "", http.StatusBadRequest, "bad_request"},
		// KEY-LEN-01: a 31-byte sign key.
		{"short sign key", func(h *harness) []byte {
			id := h.identity("alice#a.test")
			b := id.Bundle()
			b.SignKey = b.SignKey[:31]
			return registerBody(signedBundle(t, b, id.SignKey(), nil), "")
		}, true, "", http.StatusBadRequest, "bad_request"},
		// ADDR-SIGNED-01: an address inside an object must be lower case.
		{"upper-case address", func(h *harness) []byte {
			id := h.identity("alice#a.test")
			b := id.Bundle()
			raw := strings.Replace(string(signedBundle(t, b, id.SignKey(), nil)), "alice#a.test", "Alice#a.test", 1)
			return registerBody([]byte(raw), "")
		}, true, "", http.StatusBadRequest, "bad_address"},
		// ADDR-SYNTAX-01: an address without "#".
		{"address without separator", func(h *harness) []byte {
			raw := strings.Replace(string(bundleBytes(t, h.identity("alice#a.test"))), "alice#a.test", "alice@a.test", 1)
			return registerBody([]byte(raw), "")
		}, true, "", http.StatusBadRequest, "bad_address"},
		// ENC-CLOSED-01: a member the schema does not define.
		{"unknown member", func(h *harness) []byte {
			return []byte(`{"bundle":` + string(bundleBytes(t, h.identity("alice#a.test"))) + `,"password":"x"}`)
		}, true, "", http.StatusBadRequest, "bad_request"},
		// ENC-DUP-01: a member named twice.
		{"repeated member", func(h *harness) []byte {
			raw := string(bundleBytes(t, h.identity("alice#a.test")))
			return []byte(`{"bundle":` + raw + `,"bundle":` + raw + `}`)
		}, true, "", http.StatusBadRequest, "bad_request"},
		// API-JSON-01: a body that is not application/json.
		{"text/plain body", func(h *harness) []byte {
			return registerBody(bundleBytes(t, h.identity("alice#a.test")), "")
		}, true, "text/plain", http.StatusBadRequest, "bad_request"},
		// LIMIT-BODY-01: a body over 1048576 bytes.
		{"body over 1 MiB", func(h *harness) []byte {
			return []byte(`{"bundle":{},"invite":"` + strings.Repeat("a", 1<<20) + `"}`)
		}, true, "", http.StatusRequestEntityTooLarge, "too_large"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			setup(h)
			c := registerCall(tt.body(h))
			c.ctype = tt.ctype
			var rep reply
			if tt.invalid {
				rep = h.sendInvalid(c, validRegister(t))
			} else {
				rep = h.send(c)
			}
			want(t, rep, tt.status, tt.code)
		})
	}
}

// ACCT-INVITE-01/02: under the invite policy a registration needs an
// unused, unexpired invite, and consumes it; a refused registration does
// not.
func TestRegisterByInvite(t *testing.T) {
	h := newHarness(t, func(c *config.Config) { c.Registration = PolicyInvite })
	invite := func(token string, expires time.Time) {
		err := h.st.Update(t.Context(), func(tx *store.Tx) error {
			return tx.PutInvite(store.HashToken(token), wire.ToMillis(expires))
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	invite("inv-good", t0.Add(time.Hour))
	invite("inv-old", t0.Add(-time.Second))
	invite("inv-seed", t0.Add(time.Hour))
	want(t, h.send(registerCall(registerBody(bundleBytes(t, h.identity("taken#a.test")), "inv-seed"))), http.StatusCreated, "")

	tests := []struct {
		name   string
		local  string
		invite string
		status int
		code   string
	}{
		// no invite at all
		{"missing invite", "alice", "", http.StatusForbidden, "forbidden"},
		// an invite the admin never made
		{"unknown invite", "alice", "inv-made-up", http.StatusForbidden, "forbidden"},
		// an invite past its expiry
		{"expired invite", "alice", "inv-old", http.StatusForbidden, "forbidden"},
		// a taken address is refused before the invite is spent...
		{"taken address keeps the invite", "taken", "inv-good", http.StatusConflict, "address_taken"},
		// ...so the invite still registers one account
		{"good invite", "alice", "inv-good", http.StatusCreated, ""},
		// and only one (ACCT-INVITE-02)
		{"used invite", "bob", "inv-good", http.StatusForbidden, "forbidden"},
	}
	for _, tt := range tests { // in order: the rows share the server
		body := registerBody(bundleBytes(t, h.identity(tt.local+"#a.test")), tt.invite)
		rep := h.send(registerCall(body))
		if rep.status != tt.status || rep.code() != tt.code {
			t.Errorf("%s: got %d %s, want %d %q", tt.name, rep.status, rep.body, tt.status, tt.code)
		}
	}
}

// Under the open policy an invite is not needed, and one sent is ignored.
func TestRegisterOpenIgnoresInvites(t *testing.T) {
	h := newHarness(t)
	body := registerBody(bundleBytes(t, h.identity("alice#a.test")), "inv-whatever")
	want(t, h.send(registerCall(body)), http.StatusCreated, "")
}

// Registration with the same bundle twice: the second is address_taken and
// the chain still holds one bundle.
func TestRegisterTwice(t *testing.T) {
	h := newHarness(t)
	id := h.identity("alice#a.test")
	h.register(id)
	want(t, h.send(registerCall(registerBody(bundleBytes(t, id), ""))), http.StatusConflict, "address_taken")
	var chain [][]byte
	_ = h.st.View(func(tx *store.Tx) error {
		var err error
		chain, err = tx.Bundles("alice#a.test")
		return err
	})
	if len(chain) != 1 {
		t.Errorf("chain has %d bundles, want 1", len(chain))
	}
}

// ACCT-REG-03 under load: many registrations of one address at once
// create it exactly once.
func TestConcurrentRegistrations(t *testing.T) {
	h := newHarness(t)
	const n = 8
	bodies := make([][]byte, n)
	for i := range bodies {
		bodies[i] = registerBody(bundleBytes(t, h.identity("alice#a.test")), "")
	}
	codes := make(chan string, n)
	for _, body := range bodies {
		go func() { codes <- h.send(registerCall(body)).code() }()
	}
	got := map[string]int{}
	for range n {
		got[<-codes]++
	}
	if got[""] != 1 || got["address_taken"] != n-1 {
		t.Errorf("outcomes %v, want one registration and %d address_taken", got, n-1)
	}
}
