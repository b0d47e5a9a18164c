package httpapi

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/spec"
)

func TestReadBody(t *testing.T) {
	const good = `{"address":"alice#a.test"}`
	tests := []struct {
		name        string
		contentType string
		body        string
		limit       int
		want        string // error code, "" for success
	}{
		// happy path
		{"a valid body", "application/json", good, 1024, ""},
		{"a charset parameter", "application/json; charset=utf-8", good, 1024, ""},
		// sad path
		{"over the limit", "application/json", good, 10, "too_large"},
		{"form encoded", "application/x-www-form-urlencoded", good, 1024, "bad_request"},
		{"no content type", "", good, 1024, "bad_request"},
		{"breaks the schema", "application/json", `{"address":"alice"}`, 1024, "bad_request"},
		{"an unknown member", "application/json", `{"address":"alice#a.test","x":1}`, 1024, "bad_request"},
		{"a repeated member", "application/json", `{"address":"alice#a.test","address":"bob#b.test"}`, 1024, "bad_request"},
		{"not JSON", "application/json", `{"address":`, 1024, "bad_request"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodPost, "/emsg/v1/login/challenge", strings.NewReader(tt.body))
			if tt.contentType != "" {
				r.Header.Set("Content-Type", tt.contentType)
			}
			_, err := ReadBody(r, tt.limit, "login-challenge-request")
			if got := codeOf(err); got != tt.want {
				t.Fatalf("ReadBody: %v, want code %q", err, tt.want)
			}
		})
	}
}

func TestAsError(t *testing.T) {
	tests := []struct {
		name string
		err  error
		code string
	}{
		// an answer passes through, wrapped or not
		{"an answer", fmt.Errorf("send: %w", Errorf("blocked", "no")), "blocked"},
		// protocol-library defects map through spec/errors.yaml
		{"a bad signature", wire.Errorf(wire.BadSignature, "/sig", "x"), "bad_signature"},
		{"a broken rotation chain", wire.Errorf(wire.BadChain, "/prev", "x"), "bad_signature"},
		{"a malformed object", wire.Errorf(wire.Malformed, "/v", "x"), "bad_request"},
		{"a clock skew", wire.Errorf(wire.ClockSkew, "", "x"), "unauthorized"},
		// a defect only clients see, and anything else, is internal
		{"a client-side defect", wire.Errorf(wire.DecryptFailed, "", "x"), "internal"},
		{"a plain error", errors.New("disk on fire at /var/lib/emsg"), "internal"},
	}
	for _, tt := range tests {
		e := AsError(tt.err)
		if e.Code != tt.code {
			t.Errorf("%s: code %q, want %q", tt.name, e.Code, tt.code)
		}
		if e.Code == "internal" && strings.Contains(e.Message, "/var/lib") {
			t.Errorf("%s: an internal error leaks server details: %q", tt.name, e.Message)
		}
	}
}

func TestWriteError(t *testing.T) {
	rec := httptest.NewRecorder()
	WriteError(rec, &Error{Code: "rate_limited", Message: "slow down", RetryAfter: 3})
	if rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") != "3" {
		t.Fatalf("got %d, Retry-After %q; want 429 and 3", rec.Code, rec.Header().Get("Retry-After"))
	}
	if err := spec.ValidateJSON("error", rec.Body.Bytes()); err != nil {
		t.Fatalf("error answer breaks error.json: %v (%s)", err, rec.Body)
	}
	for _, c := range spec.ErrorCodes() {
		want, _ := spec.StatusOf(c.Code)
		if got := (&Error{Code: c.Code}).Status(); got != want {
			t.Errorf("%s: status %d, want %d", c.Code, got, want)
		}
	}
}

func codeOf(err error) string {
	if err == nil {
		return ""
	}
	return AsError(err).Code
}
