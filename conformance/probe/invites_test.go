package probe

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/emsg-project/emsg/reference/resolve"
)

// TestRegisterFetchesAnInvite checks that Register retries a forbidden
// registration with an invite token only when the server says it is
// invite-only.
func TestRegisterFetchesAnInvite(t *testing.T) {
	for _, tc := range []struct {
		registration string
		wantOK       bool
	}{{"invite", true}, {"open", false}} {
		t.Run(tc.registration, func(t *testing.T) {
			p := inviteServer(t, tc.registration)
			p.Invites = func(context.Context, string) (string, error) { return "tok", nil }
			id, err := p.NewIdentity(FreshLocal("inv"), "a.test")
			if err != nil {
				t.Fatal(err)
			}
			resp, err := p.registerAnyway(context.Background(), id)
			if err != nil || (resp.Status == http.StatusCreated) != tc.wantOK {
				t.Fatalf("registration %s: got %v, %v, want created %v", tc.registration, resp, err, tc.wantOK)
			}
		})
	}
}

// inviteServer refuses registrations without the invite "tok" and
// advertises registration in its discovery document.
func inviteServer(t *testing.T, registration string) *Probe {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/emsg", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]string{"registration": registration})
	})
	mux.HandleFunc("POST /emsg/v1/register", func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Invite string `json:"invite"`
		}
		body, _ := io.ReadAll(r.Body)
		_ = json.Unmarshal(body, &req)
		w.Header().Set("Content-Type", "application/json")
		if req.Invite != "tok" {
			w.WriteHeader(http.StatusForbidden)
			io.WriteString(w, `{"error":"forbidden","message":"by invitation"}`)
			return
		}
		w.WriteHeader(http.StatusCreated)
		io.WriteString(w, `{"address":"x#a.test"}`)
	})
	srv := &http.Server{Handler: mux}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	table, err := resolve.Parse("a.test=" + l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	return New(table, 5*time.Second)
}
