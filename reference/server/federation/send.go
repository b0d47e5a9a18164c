package federation

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/emsg-project/emsg/reference/protocol/fedsig"
	"github.com/emsg-project/emsg/reference/server/store"
	"github.com/emsg-project/emsg/spec"
)

// maxAnswerBytes bounds the answer read from a destination.
const maxAnswerBytes = 1 << 20

// outcome is what became of one transaction: answered (one result per
// item, in item order), or to be retried after a failure of kind why, no
// sooner than retryAfter.
type outcome struct {
	results    []Result
	retry      bool
	why        failure
	retryAfter time.Duration
}

// txnName names the transaction of items: the first and last queue id
// and the count. Queue ids only grow and items only leave, so a name never
// covers two different item lists (FED-QUEUE-06), and a retry of the same
// items has the same name (FED-QUEUE-03), across restarts too.
func txnName(items []store.QueueItem) string {
	return fmt.Sprintf("q%d-%d-%d", items[0].ID, items[len(items)-1].ID, len(items))
}

// send posts items to dest as one signed transaction (FED-SIGN-01) and
// reads the answer. A network failure, 5xx, 401, 429 or an answer that
// breaks the spec is retried (FED-QUEUE-03); 400, 403 and 413 refuse every
// item with that code (FED-QUEUE-08); any other status is retried too (a
// peer that does not offer federation yet may soon). A retried answer that
// names a wait (Retry-After, or a rate_limited body's retry_after) is
// asked to wait; other answers, and no answer within [Timing].Request, are
// busy; no answer at all is unreachable ([failure]).
func (o *Outbox) send(ctx context.Context, dest string, items []store.QueueItem) outcome {
	status, header, body, err := o.post(ctx, dest, items)
	if err != nil {
		if ctx.Err() != nil {
			return outcome{retry: true} // stopping: the queue keeps the items for the next start
		}
		why := unreachable
		if errors.Is(err, context.DeadlineExceeded) {
			why = busy // connected, or trying to, for all of Timing.Request: a peer too loaded to answer
		}
		slog.Warn("federation transaction not answered", "destination", dest, "txn", txnName(items), "failure", why, "err", err)
		return outcome{retry: true, why: why}
	}
	switch status {
	case http.StatusOK:
		rs, err := parseResults(body, len(items))
		if err != nil {
			slog.Warn("federation answer breaks the spec", "destination", dest, "txn", txnName(items), "err", err)
			return outcome{retry: true, why: busy}
		}
		return outcome{results: rs}
	case http.StatusBadRequest, http.StatusForbidden, http.StatusRequestEntityTooLarge:
		return outcome{results: refuseAll(len(items), status, body)}
	}
	if wait := retryAfter(header, body); wait > 0 {
		slog.Info("federation transaction postponed as the destination asks", "destination", dest, "txn", txnName(items), "status", status, "retry_after", wait)
		return outcome{retry: true, why: asked, retryAfter: wait}
	}
	slog.Warn("federation transaction refused for now", "destination", dest, "txn", txnName(items), "status", status)
	return outcome{retry: true, why: busy}
}

// post sends the transaction and returns the answer.
func (o *Outbox) post(ctx context.Context, dest string, items []store.QueueItem) (int, http.Header, []byte, error) {
	body, err := o.encode(dest, items)
	if err != nil {
		return 0, nil, nil, err
	}
	u, err := o.peers.url(dest, InboxPath)
	if err != nil {
		return 0, nil, nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, o.timing.Request)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(body))
	if err != nil {
		return 0, nil, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	if err := fedsig.SignRequest(o.deps, o.key, o.cfg.Domain, dest, req, body); err != nil {
		return 0, nil, nil, err
	}
	resp, err := o.peers.client.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswerBytes))
	if err != nil {
		return 0, nil, nil, fmt.Errorf("read answer: %w", err)
	}
	return resp.StatusCode, resp.Header, answer, nil
}

// encode is the transaction body: the items exactly as queued.
func (o *Outbox) encode(dest string, items []store.QueueItem) ([]byte, error) {
	t := transaction{Origin: o.cfg.Domain, Destination: dest, Txn: txnName(items)}
	for _, it := range items {
		t.Items = append(t.Items, json.RawMessage(it.Data))
	}
	body, err := json.Marshal(t)
	if err != nil {
		return nil, fmt.Errorf("encode transaction %s: %w", t.Txn, err)
	}
	return body, nil
}

// parseResults checks a 200 answer: fed-results.json, and one result per
// item with its index, in item order (FED-TXN-02).
func parseResults(body []byte, n int) ([]Result, error) {
	if err := spec.ValidateJSON("fed-results", body); err != nil {
		return nil, err
	}
	var rs results
	if err := json.Unmarshal(body, &rs); err != nil {
		return nil, err
	}
	if len(rs.Results) != n {
		return nil, fmt.Errorf("%d results for %d items", len(rs.Results), n)
	}
	for i, r := range rs.Results {
		if r.Index != i {
			return nil, fmt.Errorf("result %d has index %d", i, r.Index)
		}
	}
	return rs.Results, nil
}

// refuseAll answers n items with the error of a whole-transaction refusal
// (FED-QUEUE-08): its code, or the code its status stands for when the
// body does not say.
func refuseAll(n, status int, body []byte) []Result {
	var e struct {
		Error   string `json:"error"`
		Message string `json:"message"`
	}
	if json.Unmarshal(body, &e) != nil || spec.ValidateJSON("error", body) != nil {
		e.Error, e.Message = codeOfStatus(status), fmt.Sprintf("the destination answered %d", status)
	}
	rs := make([]Result, n)
	for i := range rs {
		rs[i] = Result{Index: i, Status: statusError, Error: e.Error, Message: e.Message}
	}
	return rs
}

// codeOfStatus is the error code of a refusal status without a usable body.
func codeOfStatus(status int) string {
	switch status {
	case http.StatusForbidden:
		return "forbidden"
	case http.StatusRequestEntityTooLarge:
		return "too_large"
	}
	return "bad_request"
}

// maxRetryAfter bounds the wait a destination may ask for: one that asks
// for more is waited for this long, then asked again.
const maxRetryAfter = time.Hour

// retryAfter is the wait a retried answer asks for: its Retry-After header
// of whole seconds (LIMIT-RATE-01, ERR-UNAVAILABLE-01), else the
// retry_after member of its error body; 0 when neither is a positive
// number.
func retryAfter(h http.Header, body []byte) time.Duration {
	n, err := strconv.Atoi(h.Get("Retry-After"))
	if err != nil || n < 1 {
		var e struct {
			RetryAfter int `json:"retry_after"`
		}
		if json.Unmarshal(body, &e) != nil || e.RetryAfter < 1 {
			return 0
		}
		n = e.RetryAfter
	}
	return time.Duration(min(n, int(maxRetryAfter/time.Second))) * time.Second
}
