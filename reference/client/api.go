package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
)

// maxAnswerBytes bounds what the client reads of an answer.
const maxAnswerBytes = 4 << 20

// APIError is a refusal from the server: its HTTP status and the error
// body {"error", "message", "retry_after"?, "moved_to"?}.
//
// Callers branch on Code for the codes they know and on the class of
// Status for any other (ERR-CLIENT-01): [APIError.Temporary] does that for
// retries. Message is for people and is never parsed.
type APIError struct {
	Status     int
	Code       string
	Message    string
	RetryAfter int    // seconds, with rate_limited
	MovedTo    string // with moved
}

func (e *APIError) Error() string {
	code := e.Code
	if code == "" {
		code = http.StatusText(e.Status)
	}
	if e.Message == "" {
		return fmt.Sprintf("%d %s", e.Status, code)
	}
	return fmt.Sprintf("%d %s: %s", e.Status, code, e.Message)
}

// Temporary reports whether the same request may succeed later: a server
// error (5xx) or rate_limited. Every other 4xx is final.
func (e *APIError) Temporary() bool {
	return e.Status >= 500 || e.Code == "rate_limited" || e.Status == http.StatusTooManyRequests
}

// call sends method path with body (JSON, or nil for none) to the
// client's own server, with the bearer token when authed, and decodes a
// 2xx answer into out (when not nil). A refusal is an [*APIError]; a
// failure to reach the server is any other error.
func (c *Client) call(ctx context.Context, authed bool, method, path string, body, out any) error {
	req, err := c.request(ctx, authed, method, path, body)
	if err != nil {
		return err
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswerBytes))
	if err != nil {
		return fmt.Errorf("%s %s: read answer: %w", method, path, err)
	}
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s %s: %w", method, path, apiError(resp, raw))
	}
	if out == nil || resp.StatusCode == http.StatusNoContent {
		return nil
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return fmt.Errorf("%s %s: decode answer: %w", method, path, err)
	}
	return nil
}

// request builds the HTTP request of call.
func (c *Client) request(ctx context.Context, authed bool, method, path string, body any) (*http.Request, error) {
	url, err := c.table.URL(c.domain(), path)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	var rd io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			return nil, fmt.Errorf("%s %s: encode: %w", method, path, err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	if authed {
		tok, err := c.currentToken()
		if err != nil {
			return nil, err
		}
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	return req, nil
}

// apiError decodes an error answer; a body that is not the error shape
// still gives the status.
func apiError(resp *http.Response, raw []byte) *APIError {
	e := &APIError{Status: resp.StatusCode}
	var body struct {
		Error      string `json:"error"`
		Message    string `json:"message"`
		RetryAfter int    `json:"retry_after"`
		MovedTo    string `json:"moved_to"`
	}
	if json.Unmarshal(raw, &body) == nil {
		e.Code, e.Message, e.RetryAfter, e.MovedTo = body.Error, body.Message, body.RetryAfter, body.MovedTo
	}
	if e.RetryAfter == 0 {
		e.RetryAfter, _ = strconv.Atoi(resp.Header.Get("Retry-After"))
	}
	return e
}

// isCode reports whether err is an [*APIError] with code.
func isCode(err error, code string) bool {
	var e *APIError
	return errors.As(err, &e) && e.Code == code
}
