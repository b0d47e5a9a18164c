package probe

import (
	"context"
	"crypto/ed25519"
	"io"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/emsg-project/emsg/reference/protocol/fedsig"
	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/reference/resolve"
)

// TestAdminSignatures checks the probe's admin requests against the
// reference's verifier: a correct one verifies, each breakage fails.
func TestAdminSignatures(t *testing.T) {
	key, err := fedsig.NewServerKey(wire.System(), "ed25519:op1")
	if err != nil {
		t.Fatal(err)
	}
	v := fedsig.Verifier{Scheme: fedsig.SchemeAdmin, Self: "a.test",
		Keys: fedsig.StaticKeys{fedsig.AdminOrigin: map[string]ed25519.PublicKey{key.ID: key.Public()}}}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if _, err := v.VerifyRequest(r.Context(), time.Now(), r, body); err != nil {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusUnauthorized)
			io.WriteString(w, `{"error":"unauthorized","message":"no"}`)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})}
	go srv.Serve(l)
	defer srv.Close()
	table, err := resolve.Parse("a.test=" + l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	p := New(table, 5*time.Second)
	_, other, _ := ed25519.GenerateKey(nil)
	tests := []struct {
		name string
		opts AdminOptions
		want int
	}{
		// happy path
		{"signed correctly", AdminOptions{}, 204},
		// sad path
		{"no header", AdminOptions{NoAuthorization: true}, 401},
		{"another origin", AdminOptions{Origin: "b.test"}, 401},
		{"another destination", AdminOptions{Destination: "b.test"}, 401},
		{"an unknown key id", AdminOptions{KeyID: "ed25519:nope"}, 401},
		{"another key", AdminOptions{SignWith: other}, 401},
		{"ten minutes ago", AdminOptions{Skew: -10 * time.Minute}, 401},
		{"another body", AdminOptions{SignedBody: []byte(`{}`)}, 401},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := p.Admin(context.Background(), key, "POST", "a.test", "/emsg/v1/admin/accounts/bob%23a.test/suspend", nil, tc.opts)
			if err != nil || r.Status != tc.want {
				t.Fatalf("got %v, %v, want %d", r, err, tc.want)
			}
		})
	}
}
