package spec

import (
	"errors"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
)

// FuzzValidateExchange sends arbitrary exchanges through the validator: it
// must never panic, every departure must be a well-formed *ExchangeError,
// and a second run must say exactly the same thing (the validator's caches
// never change an answer).
func FuzzValidateExchange(f *testing.F) {
	envelope, _ := SchemaExamples("envelope")
	txn, _ := SchemaExamples("fed-transaction")
	results, _ := SchemaExamples("fed-results")
	f.Add(uint8(0), "POST", "/emsg/v1/messages", "Bearer tok_123", "application/json", []byte(envelope[0]),
		202, "application/json", "", []byte(`{"id":"01HF7YAT00011WPRHPQ49SFGWC"}`))
	f.Add(uint8(0), "GET", "/emsg/v1/keys/alice%23a.test", "Bearer tok_123", "", []byte(nil),
		404, "application/json", "", []byte(`{"error":"gone","message":"x"}`))
	f.Add(uint8(1), "POST", "/emsg/v1/federation/inbox", fedAuth, "application/json", []byte(txn[0]),
		200, "application/json; charset=utf-8", "", []byte(results[0]))
	f.Add(uint8(0), "POST", "/emsg/v1/messages?x=1", "Bearer tok_123", "application/json", []byte(`{"v":1,"v":1.5}`),
		429, "application/json", "5", []byte(`{"error":"rate_limited","message":"slow","retry_after":5}`))
	f.Fuzz(func(t *testing.T, apiIndex uint8, method, target, auth, contentType string, body []byte,
		status int, respType, retryAfter string, respBody []byte) {
		api := APIs[int(apiIndex)%len(APIs)]
		path, query, _ := strings.Cut(target, "?")
		req := &http.Request{Method: method, URL: &url.URL{Path: path, RawQuery: query}, Header: http.Header{}}
		req.Header.Set("Authorization", auth)
		req.Header.Set("Content-Type", contentType)
		resp := &http.Response{StatusCode: status, Header: http.Header{}}
		resp.Header.Set("Content-Type", respType)
		if retryAfter != "" {
			resp.Header.Set("Retry-After", retryAfter)
		}
		first := ValidateExchange(api, req, body, resp, respBody)
		checkFuzzedError(t, first, status)
		if second := ValidateExchange(api, req, body, resp, respBody); !reflect.DeepEqual(first, second) {
			t.Fatalf("second run differs:\n%v\n%v", first, second)
		}
	})
}

// checkFuzzedError checks the shape of one fuzzed exchange's error.
func checkFuzzedError(t *testing.T, err error, status int) {
	t.Helper()
	if err == nil {
		return
	}
	var xe *ExchangeError
	if !errors.As(err, &xe) {
		t.Fatalf("%T is not an *ExchangeError: %v", err, err)
	}
	switch {
	case xe.Detail == "":
		t.Fatalf("empty detail: %+v", xe)
	case xe.Phase == PhaseResponse && (xe.Status != status || xe.Operation == ""):
		t.Fatalf("response phase with status %d operation %q, want status %d: %v", xe.Status, xe.Operation, status, err)
	case xe.Phase != PhaseRequest && xe.Phase != PhaseResponse:
		t.Fatalf("phase %q: %v", xe.Phase, err)
	}
	var se *SchemaError
	if errors.As(err, &se) && !strings.Contains(xe.Detail, se.Message) {
		t.Fatalf("detail %q does not carry the schema error %q", xe.Detail, se.Message)
	}
}

// FuzzDecodeBody checks the fast body decoder against decodeInstance, the
// exact one: same value or the same error, for any input.
func FuzzDecodeBody(f *testing.F) {
	for _, c := range decodeCases {
		f.Add(c.raw)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		checkDecodeAgrees(t, []byte(raw))
	})
}
