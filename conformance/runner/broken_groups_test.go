package runner

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
)

// The groups suite's breakages (see breakages_test.go): a host that lets
// anyone post to its groups, and one that takes group items from any
// server as if they came from the group's host or the member's server.
func init() {
	breakages["group-post-from-non-member"] = breakage{
		domain:     "a.test",
		middleware: acceptRefusedPosts,
		suites:     []string{"groups"},
		focus:      "not a current member",
		mustFail: map[string]string{
			"groups/group-posts-refuses-with-forbidden-a-group-envelope-from-an-account-that-is-not-a-current-member": "want error forbidden",
		},
	}
	breakages["group-items-from-any-server"] = breakage{
		domain: "a.test",
		middleware: rewrite(route("POST", "/emsg/v1/federation/inbox"), func(status int, body []byte) (int, []byte) {
			return status, regexp.MustCompile(`"status":"error","error":"forbidden"(,"message":"[^"]*")?`).ReplaceAll(body, []byte(`"status":"ok"`))
		}),
		suites: []string{"groups"},
		focus:  "speak for a group|remote account that is not a member",
		mustFail: map[string]string{
			"groups/groups-with-a-remote-peer-refuses-group-items-that-speak-for-a-group-or-an-account-of-another-server":     "an event of a group of the server under test",
			"groups/groups-with-a-remote-peer-refuses-a-group-post-from-a-remote-account-that-is-not-a-member-with-forbidden": "forbidden",
		},
	}
}

// acceptRefusedPosts answers 202 for every envelope the server refuses
// with forbidden, as a host that skips the membership check would
// (GROUP-POST-01).
func acceptRefusedPosts(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !route("POST", "/emsg/v1/messages")(r) {
			next.ServeHTTP(w, r)
			return
		}
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
		var env struct {
			ID string `json:"id"`
		}
		_ = json.Unmarshal(body, &env)
		if rec.Code != http.StatusForbidden || env.ID == "" {
			for k, vs := range rec.Header() {
				w.Header()[k] = vs
			}
			w.WriteHeader(rec.Code)
			_, _ = w.Write(rec.Body.Bytes())
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusAccepted)
		_ = json.NewEncoder(w).Encode(map[string]string{"id": env.ID})
	})
}
