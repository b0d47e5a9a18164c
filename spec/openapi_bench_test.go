package spec

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// benchExchange is one exchange of the benchmark mix, built once.
type benchExchange struct {
	api      API
	method   string
	target   string
	header   http.Header
	body     []byte
	status   int
	respBody []byte
}

// benchMix is a representative mix of what the conformance suites send:
// a message accepted, a key chain fetched and not found, and a federation
// transaction answered.
func benchMix(b *testing.B) []benchExchange {
	b.Helper()
	example := func(name string) []byte {
		l, err := SchemaExamples(name)
		if err != nil || len(l) == 0 {
			b.Fatalf("no %s example: %v", name, err)
		}
		return l[0]
	}
	return []benchExchange{
		{ClientAPI, "POST", "/emsg/v1/messages", bearer, example("envelope"), 202, []byte(`{"id":"01HF7YAT00011WPRHPQ49SFGWC"}`)},
		{ClientAPI, "GET", "/emsg/v1/keys/alice%23a.test", bearer, nil, 200, example("key-chain")},
		{ClientAPI, "GET", "/emsg/v1/keys/zed%23a.test", bearer, nil, 404, errorBody("not_found", "no such account")},
		{FederationAPI, "POST", "/emsg/v1/federation/inbox", fedHeader, example("fed-transaction"), 200, example("fed-results")},
	}
}

// BenchmarkValidateExchange measures one exchange of the mix per
// iteration, round robin, with the validators already built and the
// requests made once (ValidateExchange does not modify them).
func BenchmarkValidateExchange(b *testing.B) {
	mix := benchMix(b)
	for _, api := range APIs {
		if _, err := validatorFor(api); err != nil {
			b.Fatal(err)
		}
	}
	reqs := make([]*http.Request, len(mix))
	resps := make([]*http.Response, len(mix))
	for i, x := range mix {
		reqs[i] = httptest.NewRequest(x.method, x.target, nil)
		reqs[i].Header = x.header
		resps[i] = &http.Response{StatusCode: x.status, Header: jsonType}
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		n := i % len(mix)
		x := mix[n]
		if err := ValidateExchange(x.api, reqs[n], x.body, resps[n], x.respBody); err != nil {
			b.Fatalf("%s %s: %v", x.method, x.target, err)
		}
	}
}

// BenchmarkValidateExchangeEach measures each exchange of the mix alone.
func BenchmarkValidateExchangeEach(b *testing.B) {
	for _, x := range benchMix(b) {
		b.Run(x.method+" "+x.target+" "+http.StatusText(x.status), func(b *testing.B) {
			req := httptest.NewRequest(x.method, x.target, nil)
			req.Header = x.header
			resp := &http.Response{StatusCode: x.status, Header: jsonType}
			b.ReportAllocs()
			for b.Loop() {
				if err := ValidateExchange(x.api, req, x.body, resp, x.respBody); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
