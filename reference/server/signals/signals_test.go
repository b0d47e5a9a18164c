package signals

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emsg-project/emsg/reference/server/store"
	"github.com/emsg-project/emsg/spec"
)

func TestSendSignal(t *testing.T) {
	w := newWorld(t)
	as := func(a string) http.Header { return http.Header{"Authorization": {"Bearer " + a}} }
	tests := []struct {
		name   string
		caller string
		body   string
		status int
		code   string
		pushed map[string]int // signals each local account got
	}{
		// happy path: typing to a local contact
		{"typing to a local contact", "alice#a.test", `{"kind":"typing","to":"dan#a.test","state":"start"}`, 202, "", map[string]int{"dan#a.test": 1}},
		// presence goes to every accepted contact that takes it (quiet turned presence off)
		{"presence", "alice#a.test", `{"kind":"presence","state":"online"}`, 202, "", map[string]int{"dan#a.test": 1}},
		// a user who hides their own typing sends none (EPH-OFF-01)
		{"typing of an account that turned it off", "quiet#a.test", `{"kind":"typing","to":"alice#a.test","state":"start"}`, 202, "", nil},
		// a recipient that turned typing off receives none
		{"typing to an account that turned it off", "alice#a.test", `{"kind":"typing","to":"quiet#a.test","state":"stop"}`, 202, "", nil},
		// sad path: EPH-AUDIENCE-01
		{"typing to a stranger", "alice#a.test", `{"kind":"typing","to":"eve#a.test","state":"start"}`, 403, "forbidden", nil},
		// sad path: the schema
		{"an unknown kind", "alice#a.test", `{"kind":"mood","state":"happy"}`, 400, "bad_request", nil},
		{"typing without to", "alice#a.test", `{"kind":"typing","state":"start"}`, 400, "bad_request", nil},
		// sad path: no token
		{"without a token", "", `{"kind":"presence","state":"online"}`, 401, "unauthorized", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			if tt.caller != "" {
				h = as(tt.caller)
			}
			status, body, _ := w.do(spec.ClientAPI, "/emsg/v1/signals", h, []byte(tt.body))
			if status != tt.status || codeOf(body) != tt.code {
				t.Fatalf("got %d %s, want %d %s", status, body, tt.status, tt.code)
			}
			for _, a := range []string{"alice#a.test", "dan#a.test", "quiet#a.test"} {
				got := w.push.take(a)
				if len(got) != tt.pushed[a] {
					t.Fatalf("%s got %v, want %d", a, got, tt.pushed[a])
				}
				for _, s := range got {
					if err := spec.ValidateJSON("signal", []byte(s)); err != nil {
						t.Fatalf("pushed signal breaks signal.json: %v", err)
					}
				}
			}
		})
	}
}

func TestSignalsToRemoteContactsAreForwardedOnce(t *testing.T) {
	w := newWorld(t)
	status, body, _ := w.do(spec.ClientAPI, "/emsg/v1/signals", http.Header{"Authorization": {"Bearer alice#a.test"}},
		[]byte(`{"kind":"typing","to":"bob#b.test","state":"start"}`))
	if status != 202 {
		t.Fatalf("got %d %s", status, body)
	}
	select {
	case <-w.fwd.done:
	case <-time.After(5 * time.Second):
		t.Fatal("nothing forwarded")
	}
	w.fwd.mu.Lock()
	defer w.fwd.mu.Unlock()
	want := `b.test {"signal":{"kind":"typing","from":"alice#a.test","to":"bob#b.test","state":"start"},"to":["bob#b.test"]}`
	if !slices.Equal(w.fwd.sent, []string{want}) {
		t.Fatalf("forwarded %v, want %s", w.fwd.sent, want)
	}
}

func TestSignalsAreRateLimited(t *testing.T) {
	w := newWorld(t)
	h := http.Header{"Authorization": {"Bearer alice#a.test"}}
	for i := range DefaultBurst {
		if status, body, _ := w.do(spec.ClientAPI, "/emsg/v1/signals", h, []byte(`{"kind":"presence","state":"online"}`)); status != 202 {
			t.Fatalf("signal %d: %d %s", i, status, body)
		}
	}
	status, body, header := w.do(spec.ClientAPI, "/emsg/v1/signals", h, []byte(`{"kind":"presence","state":"online"}`))
	var e struct {
		Error      string `json:"error"`
		RetryAfter int    `json:"retry_after"`
	}
	json.Unmarshal(body, &e)
	if status != 429 || e.Error != "rate_limited" || e.RetryAfter < 1 || header.Get("Retry-After") == "" {
		t.Fatalf("got %d %s (Retry-After %q), want 429 rate_limited", status, body, header.Get("Retry-After"))
	}
}

func TestFederatedSignals(t *testing.T) {
	w := newWorld(t)
	good := `{"signal":{"kind":"typing","from":"bob#b.test","to":"alice#a.test","state":"start"},"to":["alice#a.test"]}`
	tests := []struct {
		name   string
		body   string
		header func(body []byte) http.Header
		status int
		code   string
		pushed int
	}{
		// happy path: delivered to alice, who has bob as a contact
		{"a typing signal", good, func(b []byte) http.Header { return signedHeader(t, w.bKey, "b.test", b) }, 202, "", 1},
		// a recipient who does not know the sender gets nothing, still 202
		{"to a non-contact", strings.ReplaceAll(good, `["alice#a.test"]`, `["eve#a.test"]`),
			func(b []byte) http.Header { return signedHeader(t, w.bKey, "b.test", b) }, 202, "", 0},
		// sad path: no signature
		{"unsigned", good, func([]byte) http.Header { return nil }, 401, "unauthorized", 0},
		// sad path: from not on the origin
		{"spoofed from", strings.ReplaceAll(good, `"from":"bob#b.test"`, `"from":"mallory#c.test"`),
			func(b []byte) http.Header { return signedHeader(t, w.bKey, "b.test", b) }, 403, "forbidden", 0},
		// sad path: the body
		{"no recipients", strings.ReplaceAll(good, `["alice#a.test"]`, `[]`),
			func(b []byte) http.Header { return signedHeader(t, w.bKey, "b.test", b) }, 400, "bad_request", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body, _ := w.do(spec.FederationAPI, FederationPath, tt.header([]byte(tt.body)), []byte(tt.body))
			if status != tt.status || codeOf(body) != tt.code {
				t.Fatalf("got %d %s, want %d %s", status, body, tt.status, tt.code)
			}
			if got := w.push.take("alice#a.test"); len(got) != tt.pushed {
				t.Fatalf("alice got %v, want %d", got, tt.pushed)
			}
		})
	}
}

// Typing to a group goes to its other members, here and on their servers;
// a non-member is refused (EPH-AUDIENCE-01).
func TestTypingToAGroup(t *testing.T) {
	w := newWorld(t)
	w.account("eve#a.test", true)
	w.update(func(tx *store.Tx) error {
		return tx.PutGroup(store.Group{Address: "team#a.test", Name: "team", Owner: "alice#a.test", Created: 1, Seq: 1,
			Members: []store.GroupMember{{Address: "alice#a.test", Role: "owner"}, {Address: "eve#a.test", Role: "member"},
				{Address: "carol#b.test", Role: "member"}}})
	})
	typing := []byte(`{"kind":"typing","to":"team#a.test","state":"start"}`)
	if status, body, _ := w.do(spec.ClientAPI, "/emsg/v1/signals", http.Header{"Authorization": {"Bearer alice#a.test"}}, typing); status != 202 {
		t.Fatalf("a member: %d %s", status, body)
	}
	if got := w.push.take("eve#a.test"); len(got) != 1 || !strings.Contains(got[0], `"to":"team#a.test"`) {
		t.Fatalf("eve got %v", got)
	}
	select {
	case <-w.fwd.done:
	case <-time.After(5 * time.Second):
		t.Fatal("nothing forwarded to carol's server")
	}
	if status, body, _ := w.do(spec.ClientAPI, "/emsg/v1/signals", http.Header{"Authorization": {"Bearer dan#a.test"}}, typing); status != 403 || codeOf(body) != "forbidden" {
		t.Fatalf("a non-member: %d %s", status, body)
	}
}
