package accounts

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http/httptest"
	"testing"

	"github.com/emsg-project/emsg/reference/protocol/fedsig"
	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/spec"
)

// TestFederationKeys: a signed request from a peer gets the chain of a
// local account (FED-KEYS-01), and anything else is refused with the
// spec's code.
func TestFederationKeys(t *testing.T) {
	h := newHarness(t)
	peerKey, err := fedsig.NewServerKey(wire.Seeded("peer key", t0), "ed25519:p1")
	if err != nil {
		t.Fatal(err)
	}
	other, _ := fedsig.NewServerKey(wire.Seeded("other key", t0), "ed25519:p1")
	keys := fedsig.StaticKeys{"peer.test": {peerKey.ID: peerKey.Public()}}
	h.svc.FederationRoutes(h.mux, fedsig.Verifier{Self: domain, Keys: keys})
	alice := h.identity("alice#" + domain)
	h.register(alice)

	get := func(target string, key *fedsig.ServerKey, dest string) reply {
		t.Helper()
		req := httptest.NewRequest("GET", "http://"+domain+target, nil)
		req.RequestURI = target // as a server receives it
		if key != nil {
			auth, err := fedsig.Sign(wire.Deps{Rand: wire.NewSeededReader("sig"), Now: h.clock.Now}, *key, "GET", target, "peer.test", dest, nil)
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Authorization", auth)
		}
		rec := httptest.NewRecorder()
		h.mux.ServeHTTP(rec, req)
		res := rec.Result()
		body, _ := io.ReadAll(res.Body)
		if err := spec.ValidateExchange(spec.FederationAPI, req, nil, res, body); err != nil && key != nil {
			t.Errorf("GET %s: %v", target, err)
		}
		return reply{status: rec.Code, header: res.Header, body: body}
	}
	target := "/emsg/v1/federation/keys/alice%23" + domain
	tests := []struct {
		name   string
		target string
		key    *fedsig.ServerKey
		dest   string
		status int
		code   string
	}{
		// happy path
		{"a signed request for a local account", target, &peerKey, domain, 200, ""},
		// sad path
		{"no signature", target, nil, domain, 401, "unauthorized"},
		{"signed by another key", target, &other, domain, 401, "bad_signature"}, // bad_signature's status is 401
		{"signed for another server", target, &peerKey, "elsewhere.test", 403, "forbidden"},
		{"an address without an account", "/emsg/v1/federation/keys/nobody%23" + domain, &peerKey, domain, 404, "not_found"},
		{"an address of another domain", "/emsg/v1/federation/keys/bob%23elsewhere.test", &peerKey, domain, 403, "forbidden"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rep := get(tc.target, tc.key, tc.dest)
			if rep.status != tc.status {
				t.Fatalf("got %d %s, want %d %s", rep.status, rep.body, tc.status, tc.code)
			}
			if rep.code() != tc.code {
				t.Fatalf("got code %q, want %q", rep.code(), tc.code)
			}
			if tc.status == 200 {
				var chain struct{ Bundles []json.RawMessage }
				if err := json.Unmarshal(rep.body, &chain); err != nil || len(chain.Bundles) != 1 ||
					!bytes.Contains(chain.Bundles[0], []byte(wire.EncodeBytes(alice.Bundle().SignKey))) {
					t.Fatalf("got %s, want alice's one bundle", rep.body)
				}
			}
		})
	}
}
