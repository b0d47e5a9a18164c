package runner

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
)

// The federation queue's expiry breakage (see breakages_test.go): an
// outbox that keeps group items queued past their envelope's expiry and
// delivers them once the destination answers again (FED-QUEUE-09). The
// proxy plays it from outside: it stretches the short ttl of a post to an
// hour before the server reads it (the ttl is outside the signed inner
// message), so the server queues the item with an expiry an hour after
// the one the client set, and sends it when the peer is back.
func init() {
	breakages["outbox-delivers-expired-group-items"] = breakage{
		domain:     "a.test",
		middleware: stretchShortTTL,
		suites:     []string{"federation"},
		focus:      "Federation queue expiry drops a group",
		mustFail: map[string]string{
			"federation/federation-queue-expiry-drops-a-group-fanout-item-whose-envelope-expired-in-the-queue-without-a-receipt-and-sends-the-later-ones":  "after its envelope expired",
			"federation/federation-queue-expiry-drops-a-group-post-item-whose-envelope-expired-in-the-queue-without-a-receipt-and-forwards-the-later-ones": "after its envelope expired",
		},
	}
}

// shortTTLBelow is the ttl under which stretchShortTTL stretches an
// envelope's, and stretchedTTL what it makes of it.
const (
	shortTTLBelow = 60
	stretchedTTL  = 3600
)

// stretchShortTTL rewrites an envelope posted to /messages with a ttl
// under a minute to one of an hour, leaving the rest of it as it was.
func stretchShortTTL(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if route("POST", "/emsg/v1/messages")(r) {
			body, _ := io.ReadAll(r.Body)
			body = stretchTTL(body)
			r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(body)), int64(len(body))
			r.Header.Set("Content-Length", strconv.Itoa(len(body)))
		}
		next.ServeHTTP(w, r)
	})
}

// stretchTTL returns the envelope with a ttl under shortTTLBelow set to
// stretchedTTL; any other body unchanged.
func stretchTTL(body []byte) []byte {
	var env map[string]json.RawMessage
	if json.Unmarshal(body, &env) != nil {
		return body
	}
	ttl, err := strconv.Atoi(string(env["ttl"]))
	if err != nil || ttl >= shortTTLBelow {
		return body
	}
	env["ttl"] = json.RawMessage(strconv.Itoa(stretchedTTL))
	out, err := json.Marshal(env)
	if err != nil {
		return body
	}
	return out
}
