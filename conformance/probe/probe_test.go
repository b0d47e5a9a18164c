package probe

import (
	"context"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/emsg-project/emsg/reference/resolve"
)

// serve answers every request with status and body on a loopback domain.
func serve(t *testing.T, status int, body string) *Probe {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		w.Write([]byte(body))
	})}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	table, err := resolve.Parse("a.test=" + l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	return New(table, 5*time.Second)
}

func TestProbeMarksViolations(t *testing.T) {
	tests := []struct {
		name      string
		status    int
		body      string
		req       Request
		violation string // "" for none
	}{
		// happy path
		{"a health answer as specified", 200, `{"status":"ok"}`, Request{Method: "GET", Path: "/emsg/v1/health"}, ""},
		{"a clean refusal of a malformed request", 400, `{"error":"bad_request","message":"no"}`, Request{Method: "POST", Path: "/emsg/v1/register", Malformed: true}, ""},
		// sad path
		{"a health answer with a member too many", 200, `{"status":"ok","extra":1}`, Request{Method: "GET", Path: "/emsg/v1/health"}, "health"},
		{"an error code with the wrong status", 500, `{"error":"bad_request","message":"no"}`, Request{Method: "POST", Path: "/emsg/v1/register", Malformed: true}, "ERR-STATUS-01"},
		{"an error without the error shape", 400, `{"oops":true}`, Request{Method: "POST", Path: "/emsg/v1/register", Malformed: true}, "ERR-SHAPE-01"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := serve(t, tc.status, tc.body)
			tc.req.Domain = "a.test"
			if _, err := p.Do(context.Background(), tc.req); err != nil {
				t.Fatal(err)
			}
			v := p.Log.Violations()
			switch {
			case tc.violation == "" && len(v) > 0:
				t.Fatalf("got violation %v, want none", v[0])
			case tc.violation != "" && (len(v) == 0 || !strings.Contains(v[0].Detail, tc.violation)):
				t.Fatalf("got %v, want a violation mentioning %q", v, tc.violation)
			}
			if len(p.Log.Entries()) != 1 {
				t.Fatalf("got %d log entries, want 1", len(p.Log.Entries()))
			}
		})
	}
}
