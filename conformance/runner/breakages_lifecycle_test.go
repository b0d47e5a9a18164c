package runner

import (
	"encoding/json"
	"net/http"
	"regexp"
	"time"
)

// The breakages of the retention and migration suites, added to the
// table of breakages_test.go.
func init() {
	// retention: favorites expire with their ttl like any envelope.
	breakages["favorites-expire"] = breakage{
		domain:     "a.test",
		middleware: rewrite(route("GET", "/emsg/v1/favorites"), dropExpiredFavorites),
		suites:     []string{"retention"},
		focus:      "keeps a favorite",
		mustFail: map[string]string{
			"retention/favorites-keeps-a-favorite-after-its-ttl-has-run-out": "outlives its ttl",
		},
	}
	// migration: the inbox answers ok for move and delete notices whose
	// signature does not verify.
	breakages["accept-forged-notice"] = breakage{
		domain: "a.test",
		middleware: rewrite(route("POST", "/emsg/v1/federation/inbox"), func(status int, body []byte) (int, []byte) {
			return status, regexp.MustCompile(`"status":"error","error":"bad_signature"(,"message":"[^"]*")?`).ReplaceAll(body, []byte(`"status":"ok"`))
		}),
		suites: []string{"migration"},
		focus:  "refuses forged move",
		mustFail: map[string]string{
			"migration/notices-from-another-server-refuses-forged-move-and-delete-notices-with-a-per-item-bad-signature-and-changes-nothing": "bad_signature",
		},
	}
	// migration: a move notice that does not verify is answered 202.
	breakages["accept-unsigned-move"] = breakage{
		domain: "a.test",
		middleware: rewrite(route("POST", "/emsg/v1/account/move"), func(status int, body []byte) (int, []byte) {
			if status == http.StatusUnauthorized && regexp.MustCompile(`"bad_signature"`).Match(body) {
				return http.StatusAccepted, nil
			}
			return status, body
		}),
		suites: []string{"migration"},
		focus:  "refuses a move notice",
		mustFail: map[string]string{
			"migration/move-refuses-a-move-notice-of-another-account-not-signed-by-the-current-key-or-out-of-time-and-changes-nothing": "want error bad_signature",
		},
	}
}

// dropExpiredFavorites removes from a favorites list the envelopes whose
// ttl has run out: a server that lets favorites expire.
func dropExpiredFavorites(status int, body []byte) (int, []byte) {
	var list struct {
		Favorites []json.RawMessage `json:"favorites"`
	}
	if status != http.StatusOK || json.Unmarshal(body, &list) != nil {
		return status, body
	}
	kept := []json.RawMessage{}
	for _, f := range list.Favorites {
		var env struct {
			TS  int64 `json:"ts"`
			TTL int64 `json:"ttl"`
		}
		if json.Unmarshal(f, &env) == nil && time.UnixMilli(env.TS+env.TTL*1000).After(time.Now()) {
			kept = append(kept, f)
		}
	}
	out, _ := json.Marshal(map[string]any{"favorites": kept})
	return status, out
}
