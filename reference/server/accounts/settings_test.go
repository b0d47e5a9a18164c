package accounts

import (
	"net/http"
	"testing"

	"github.com/emsg-project/emsg/reference/server/config"
)

// SET-PATCH-01: PATCH changes only the members it names; the answer and
// every later GET show the result.
func TestPatchSettings(t *testing.T) {
	h := newHarness(t)
	_, tok := h.user("alice")
	tests := []struct {
		name  string
		patch string
		after string // the settings after this and the earlier rows
	}{
		// one member
		{"accept strangers", `{"accept_strangers":true}`,
			`{"accept_strangers":true,"accept_requests":true,"ttl":604800,"typing":true,"presence":true}`},
		// two members at once; accept_strangers keeps its new value
		{"typing and presence off", `{"typing":false,"presence":false}`,
			`{"accept_strangers":true,"accept_requests":true,"ttl":604800,"typing":false,"presence":false}`},
		// the ttl, up to max_ttl inclusive
		{"ttl at max_ttl", `{"ttl":2592000}`,
			`{"accept_strangers":true,"accept_requests":true,"ttl":2592000,"typing":false,"presence":false}`},
		// every member
		{"everything back", `{"accept_strangers":false,"accept_requests":false,"ttl":1,"typing":true,"presence":true}`,
			`{"accept_strangers":false,"accept_requests":false,"ttl":1,"typing":true,"presence":true}`},
	}
	for _, tt := range tests { // in order: each row starts from the one before
		rep := h.send(call{method: http.MethodPatch, target: "/emsg/v1/settings", token: tok, body: []byte(tt.patch)})
		want(t, rep, http.StatusOK, "")
		if string(rep.body) != tt.after {
			t.Errorf("%s: PATCH answered %s, want %s", tt.name, rep.body, tt.after)
		}
		rep = h.send(call{method: http.MethodGet, target: "/emsg/v1/settings", token: tok})
		if string(rep.body) != tt.after {
			t.Errorf("%s: GET answered %s, want %s", tt.name, rep.body, tt.after)
		}
	}
}

// SET-DEFAULT-01: the default ttl is the server's default_ttl.
func TestDefaultTTLFollowsTheServer(t *testing.T) {
	h := newHarness(t, func(c *config.Config) { c.DefaultTTL = 3600 })
	_, tok := h.user("alice")
	rep := h.send(call{method: http.MethodGet, target: "/emsg/v1/settings", token: tok})
	want(t, rep, http.StatusOK, "")
	if w := `{"accept_strangers":false,"accept_requests":true,"ttl":3600,"typing":true,"presence":true}`; string(rep.body) != w {
		t.Errorf("settings %s, want %s", rep.body, w)
	}
}

func TestPatchSettingsRefusals(t *testing.T) {
	tests := []struct {
		name    string
		patch   string
		invalid bool // the body breaks settings-patch.json
		status  int
		code    string
	}{
		// updateSettings: ttl above the server's max_ttl
		{"ttl above max_ttl", `{"ttl":2592001}`, false, http.StatusBadRequest, "bad_request"},
		// SET-PATCH-01: ttl below 1
		{"ttl zero", `{"ttl":0}`, true, http.StatusBadRequest, "bad_request"},
		// SET-PATCH-01: a wrong type
		{"string boolean", `{"typing":"no"}`, true, http.StatusBadRequest, "bad_request"},
		// SET-PATCH-01: an unknown member
		{"unknown member", `{"typing":false,"read_receipts":false}`, true, http.StatusBadRequest, "bad_request"},
		// settings-patch.json: at least one member
		{"empty patch", `{}`, true, http.StatusBadRequest, "bad_request"},
		// ENC-INT-01: a float ttl
		{"float ttl", `{"ttl":60.0}`, true, http.StatusBadRequest, "bad_request"},
		// null is not "leave unchanged"
		{"null member", `{"typing":null}`, true, http.StatusBadRequest, "bad_request"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			_, tok := h.user("alice")
			c := call{method: http.MethodPatch, target: "/emsg/v1/settings", token: tok, body: []byte(tt.patch)}
			var rep reply
			if tt.invalid {
				rep = h.sendInvalid(c, call{method: http.MethodPatch, target: "/emsg/v1/settings", token: tok, body: []byte(`{"typing":true}`)})
			} else {
				rep = h.send(c)
			}
			want(t, rep, tt.status, tt.code)
			rep = h.send(call{method: http.MethodGet, target: "/emsg/v1/settings", token: tok})
			if w := `{"accept_strangers":false,"accept_requests":true,"ttl":604800,"typing":true,"presence":true}`; string(rep.body) != w {
				t.Errorf("a refused patch changed the settings: %s", rep.body)
			}
		})
	}
}
