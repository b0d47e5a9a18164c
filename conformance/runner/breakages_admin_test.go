package runner

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
)

// The admin API's breakages (see breakages_test.go): a server that takes
// an account's bearer token as an operator's, one whose suspensions do
// nothing, and one that takes a policy whose default_ttl is above its
// max_ttl.
func init() {
	breakages["admin-opens-to-bearer-tokens"] = breakage{
		domain:     "a.test",
		middleware: answerAdminBearer,
		suites:     []string{"core"},
		focus:      "bearer token",
		mustFail: map[string]string{
			"core/admin-api-authentication-never-opens-the-admin-api-to-an-account-s-bearer-token": "want a refusal",
		},
	}
	breakages["suspension-does-nothing"] = breakage{
		domain:     "a.test",
		middleware: ignoreSuspensions,
		suites:     []string{"core"},
		focus:      "suspended account",
		mustFail: map[string]string{
			"core/admin-api-operations-shuts-a-suspended-account-out-at-once-its-stream-closed-with-4001-and-its-logins-forbidden-until-it-is-unsuspended": "closed",
		},
	}
	breakages["policy-default-ttl-above-max"] = breakage{
		domain:     "a.test",
		middleware: acceptAnyPolicy,
		suites:     []string{"core"},
		focus:      "default_ttl is above",
		mustFail: map[string]string{
			"core/admin-policy-refuses-a-policy-whose-default-ttl-is-above-its-max-ttl-with-bad-request-and-keeps-the-one-in-force": "want error bad_request",
		},
	}
}

// answerAdminBearer answers an admin request that carries a bearer token
// as if the token were an operator's signature.
func answerAdminBearer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, "/emsg/v1/admin/") || !strings.HasPrefix(r.Header.Get("Authorization"), "Bearer ") {
			next.ServeHTTP(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		_, _ = io.WriteString(w, `{"accounts":[]}`)
	})
}

// ignoreSuspensions answers 204 to every suspension and passes none on.
func ignoreSuspensions(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && strings.HasPrefix(r.URL.Path, "/emsg/v1/admin/accounts/") && strings.HasSuffix(r.URL.Path, "/suspend") {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// acceptAnyPolicy answers a policy whose default_ttl is above its max_ttl
// with 200 and the policy, without passing it on.
func acceptAnyPolicy(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPut || r.URL.Path != "/emsg/v1/admin/policy" {
			next.ServeHTTP(w, r)
			return
		}
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		var p struct {
			MaxTTL     int `json:"max_ttl"`
			DefaultTTL int `json:"default_ttl"`
		}
		if json.Unmarshal(body, &p) != nil || p.DefaultTTL <= p.MaxTTL {
			next.ServeHTTP(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(body)
	})
}
