package httpapi

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestMux(t *testing.T) {
	m := NewMux()
	ok := func(w http.ResponseWriter, r *http.Request) {
		WriteJSON(w, http.StatusOK, map[string]string{"at": r.Pattern, "address": r.PathValue("address")})
	}
	// The contacts routes: a literal path beside a wildcard one of another
	// method, which a method-less fallback pattern would make conflict.
	m.Handle(http.MethodGet, "/emsg/v1/contacts/requests", ok)
	m.Handle(http.MethodPost, "/emsg/v1/contacts/requests", ok)
	m.Handle(http.MethodDelete, "/emsg/v1/contacts/{address}", ok)
	m.Handle(http.MethodPut, "/emsg/v1/contacts/{address}/block", ok)

	tests := []struct {
		method, path string
		status       int
		want         string // a fragment of the answer
	}{
		// happy path
		{"GET", "/emsg/v1/contacts/requests", 200, "GET /emsg/v1/contacts/requests"},
		{"DELETE", "/emsg/v1/contacts/bob%23b.test", 200, `"address":"bob#b.test"`},
		// sad path: another method on a known path names the allowed ones
		{"PATCH", "/emsg/v1/contacts/requests", 400, "use GET, POST"},
		{"GET", "/emsg/v1/contacts/bob%23b.test", 400, "use DELETE"},
		// sad path: unknown paths
		{"GET", "/emsg/v1/nowhere", 404, `"error":"not_found"`},
		{"GET", "/", 404, `"error":"not_found"`},
	}
	for _, tt := range tests {
		rec := httptest.NewRecorder()
		m.ServeHTTP(rec, httptest.NewRequest(tt.method, tt.path, nil))
		if rec.Code != tt.status || !strings.Contains(rec.Body.String(), tt.want) {
			t.Errorf("%s %s: got %d %s, want %d with %q", tt.method, tt.path, rec.Code, rec.Body, tt.status, tt.want)
		}
	}
}
