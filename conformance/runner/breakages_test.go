package runner

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"regexp"

	"github.com/emsg-project/emsg/conformance/harness"
)

// breakage is one deliberately broken behaviour of the reference: a
// middleware on one domain's proxy, the suites to run against it, and
// the cases that must then fail, each with a fragment of its reason.
type breakage struct {
	domain     string
	middleware harness.Middleware
	suites     []string
	focus      string            // a regexp of the cases to run (the whole suites when "")
	mustFail   map[string]string // case id → fragment of the failure reason
}

var breakages = map[string]breakage{
	// core: the settings answer skips a member its schema requires.
	"settings-skip-a-field": {
		domain: "a.test",
		middleware: rewrite(route("GET", "/emsg/v1/settings"), func(status int, body []byte) (int, []byte) {
			return status, regexp.MustCompile(`,?"presence":(true|false)`).ReplaceAll(body, nil)
		}),
		suites: []string{"core"},
		focus:  "Settings",
		mustFail: map[string]string{
			"core/settings-gives-a-new-account-the-default-settings": "presence",
		},
	},
	// federation: the inbox answers ok for items from spoofed senders.
	"accept-spoofed-sender": {
		domain: "a.test",
		middleware: rewrite(route("POST", "/emsg/v1/federation/inbox"), func(status int, body []byte) (int, []byte) {
			return status, regexp.MustCompile(`"status":"error","error":"forbidden"(,"message":"[^"]*")?`).ReplaceAll(body, []byte(`"status":"ok"`))
		}),
		suites: []string{"federation"},
		focus:  "speak for another domain",
		mustFail: map[string]string{
			"federation/federation-inbox-refuses-items-that-speak-for-another-domain-or-address-another-server": "spoofed sender",
		},
	},
	// robustness: a malformed settings patch crashes instead of a clean refusal.
	"malformed-patch-is-internal": {
		domain: "a.test",
		middleware: rewrite(route("PATCH", "/emsg/v1/settings"), func(status int, body []byte) (int, []byte) {
			if status != 400 {
				return status, body
			}
			return 500, []byte(`{"error":"internal","message":"panic: unexpected input"}`)
		}),
		suites: []string{"robustness"},
		focus:  "malformed JSON",
		mustFail: map[string]string{
			"robustness/hostile-input-refuses-malformed-json-bodies-with-bad-request-and-changes-nothing": "want error bad_request",
		},
	},
	// security: logout answers 204 but revokes nothing.
	"logout-revokes-nothing": {
		domain: "a.test",
		middleware: func(next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if route("POST", "/emsg/v1/logout")(r) {
					w.WriteHeader(http.StatusNoContent)
					return
				}
				next.ServeHTTP(w, r)
			})
		},
		suites: []string{"security"},
		focus:  "Authorization",
		mustFail: map[string]string{
			"security/authorization-refuses-requests-without-a-token-with-an-unknown-one-and-after-logout": "want error unauthorized",
			"security/authorization-closes-a-stream-with-4001-when-its-token-is-revoked":                   "",
		},
	},
}

// route matches one method and path.
func route(method, path string) func(*http.Request) bool {
	return func(r *http.Request) bool { return r.Method == method && r.URL.Path == path }
}

// rewrite edits the answers of the requests match selects.
func rewrite(match func(*http.Request) bool, edit func(status int, body []byte) (int, []byte)) harness.Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !match(r) {
				next.ServeHTTP(w, r)
				return
			}
			rec := httptest.NewRecorder()
			next.ServeHTTP(rec, r)
			status, body := edit(rec.Code, bytes.Clone(rec.Body.Bytes()))
			for k, vs := range rec.Header() {
				w.Header()[k] = vs
			}
			w.Header().Del("Content-Length")
			w.WriteHeader(status)
			_, _ = w.Write(body)
		})
	}
}
