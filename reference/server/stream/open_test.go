package stream

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/emsg-project/emsg/spec"
)

// upgradeHeaders are the RFC 6455 handshake headers of a valid request.
func upgradeHeaders() http.Header {
	return http.Header{
		"Upgrade": {"websocket"}, "Connection": {"Upgrade"},
		"Sec-Websocket-Key": {"dGhlIHNhbXBsZSBub25jZQ=="}, "Sec-Websocket-Version": {"13"},
	}
}

// STREAM-AUTH-01 and the other refusals: each is answered before the
// upgrade, with the status and code the OpenAPI document gives.
func TestRefusedBeforeUpgrade(t *testing.T) {
	tests := []struct {
		name   string
		query  string
		header http.Header
		status int
		code   string
		valid  bool // the request follows the spec: check the whole exchange
	}{
		// sad path: requests the spec allows
		{"no token", "", upgradeHeaders(), 401, "unauthorized", true},
		{"unknown token", "", withHeader(upgradeHeaders(), "Authorization", "Bearer nobody"), 401, "unauthorized", true},
		{"unknown token in the query", "access_token=nobody", upgradeHeaders(), 401, "unauthorized", true},
		// sad path: requests that break the spec (the answer must still be its error shape)
		{"since is negative", "since=-1", withHeader(upgradeHeaders(), "Authorization", "Bearer alice-token"), 400, "bad_request", false},
		{"since has a leading zero", "since=03", withHeader(upgradeHeaders(), "Authorization", "Bearer alice-token"), 400, "bad_request", false},
		{"since beyond 2^53-1", "since=9007199254740992", withHeader(upgradeHeaders(), "Authorization", "Bearer alice-token"), 400, "bad_request", false},
		{"no Sec-WebSocket-Key", "", withoutHeader(withHeader(upgradeHeaders(), "Authorization", "Bearer alice-token"), "Sec-Websocket-Key"), 400, "bad_request", false},
		{"WebSocket version 8", "", withHeader(withHeader(upgradeHeaders(), "Authorization", "Bearer alice-token"), "Sec-Websocket-Version", "8"), 400, "bad_request", false},
	}
	e := newEnv(t, time.Hour, nil)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := e.get(t, tt.query, tt.header, tt.valid)
			if resp.StatusCode != tt.status || errorCode(t, body) != tt.code {
				t.Fatalf("got %d %s, want %d %s", resp.StatusCode, body, tt.status, tt.code)
			}
		})
	}
}

// The token may travel in access_token (browsers).
func TestTokenInTheQuery(t *testing.T) {
	e := newEnv(t, time.Hour, nil)
	e.open(t, "", "access_token=alice-token", 0).sync()
}

// A closed hub closes its streams with 1001 and refuses new ones with 503.
func TestHubClose(t *testing.T) {
	e := newEnv(t, time.Hour, nil)
	c := e.open(t, "alice-token", "", 0)
	done := make(chan struct{})
	go func() { e.hub.Close(); close(done) }()
	c.wantClose(1001)
	_ = c.ws.Close()
	select {
	case <-done:
	case <-time.After(waitFor):
		t.Fatal("Close did not return")
	}
	resp, body := e.get(t, "", withHeader(upgradeHeaders(), "Authorization", "Bearer alice-token"), true)
	if resp.StatusCode != 503 || errorCode(t, body) != "unavailable" {
		t.Fatalf("after Close: %d %s, want 503 unavailable", resp.StatusCode, body)
	}
}

// get sends GET /emsg/v1/stream?query with header through the test server
// and checks the exchange against the OpenAPI document: all of it when
// valid, else that the request is what breaks it and the answer is in the
// error shape.
func (e *env) get(t *testing.T, query string, header http.Header, valid bool) (*http.Response, []byte) {
	t.Helper()
	target := e.srv.URL + Path
	if query != "" {
		target += "?" + query
	}
	req, err := http.NewRequest(http.MethodGet, target, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header = header
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	err = spec.ValidateExchange(spec.ClientAPI, req, nil, resp, body)
	var xe *spec.ExchangeError
	switch {
	case valid && err != nil:
		t.Errorf("the answer breaks the spec: %v\n%s", err, body)
	case !valid && (!errors.As(err, &xe) || xe.Phase != spec.PhaseRequest):
		t.Errorf("the test request should break the spec, got %v", err)
	case !valid:
		if err := spec.ValidateJSON("error", body); err != nil || resp.Header.Get("Content-Type") != "application/json" {
			t.Errorf("the answer is not in the error shape: %v\n%s", err, body)
		}
	}
	return resp, body
}

// errorCode returns the error member of an error body.
func errorCode(t *testing.T, body []byte) string {
	t.Helper()
	var e struct {
		Error string `json:"error"`
	}
	if err := json.Unmarshal(body, &e); err != nil {
		t.Fatalf("error body %q: %v", body, err)
	}
	return e.Error
}

// withHeader returns h plus one header.
func withHeader(h http.Header, key, value string) http.Header {
	h = h.Clone()
	h.Set(key, value)
	return h
}

// withoutHeader returns h minus one header.
func withoutHeader(h http.Header, key string) http.Header {
	h = h.Clone()
	h.Del(key)
	return h
}
