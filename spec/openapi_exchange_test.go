package spec

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// exampleOf returns the first example of the named schema, or fails the test.
func exampleOf(t *testing.T, name string) []byte {
	t.Helper()
	list, err := SchemaExamples(name)
	if err != nil || len(list) == 0 {
		t.Fatalf("no example for %s: %v", name, err)
	}
	return list[0]
}

// editJSON decodes raw into an object, lets edit change it, and re-encodes.
func editJSON(t *testing.T, raw []byte, edit func(m map[string]any)) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	edit(m)
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// exchange is one HTTP exchange to validate and what the validator must say.
type exchange struct {
	name       string
	api        API
	method     string
	target     string
	header     http.Header
	body       []byte
	status     int // 0: validate the request alone
	respHeader http.Header
	respBody   []byte
	wantPhase  string // "": the exchange conforms
	wantOp     string // the operationId the exchange routes to ("" if none)
}

const (
	fedAuth   = `EMSG-Federation origin="a.test",destination="b.test",key="ed25519:k1",ts="1700000000000",sig="ZmFrZQ"`
	adminAuth = `EMSG-Admin origin="admin", destination="a.test", key="ed25519:op1", ts="1700000000000", sig="ZmFrZQ"`
)

var (
	jsonType  = http.Header{"Content-Type": {"application/json"}}
	bearer    = http.Header{"Authorization": {"Bearer tok_123"}, "Content-Type": {"application/json"}}
	upgrade   = http.Header{"Upgrade": {"websocket"}, "Connection": {"keep-alive, Upgrade"}, "Sec-Websocket-Key": {"dGhlIHNhbXBsZSBub25jZQ=="}, "Sec-Websocket-Version": {"13"}}
	switching = http.Header{"Upgrade": {"websocket"}, "Connection": {"Upgrade"}, "Sec-Websocket-Accept": {"s3pPLMBiTxaQ9kYGzzhZRbK+xOo="}}
	fedHeader = http.Header{"Authorization": {fedAuth}, "Content-Type": {"application/json"}}
)

// withHeader returns h plus one more header.
func withHeader(h http.Header, key, value string) http.Header {
	h = h.Clone()
	h.Set(key, value)
	return h
}

func errorBody(code, msg string) []byte {
	return []byte(`{"error":"` + code + `","message":"` + msg + `"}`)
}

func exchanges(t *testing.T) []exchange {
	envelope := exampleOf(t, "envelope")
	const join = "/emsg/v1/groups/team%23a.test/join"
	return []exchange{
		// Happy path: realistic exchanges that conform.
		{name: "discovery at the root", api: ClientAPI, method: "GET", target: "/.well-known/emsg",
			status: 200, respHeader: jsonType, respBody: exampleOf(t, "discovery"), wantOp: "getDiscovery"},
		{name: "health without a token", api: ClientAPI, method: "GET", target: "/emsg/v1/health",
			status: 200, respHeader: jsonType, respBody: []byte(`{"status":"ok"}`), wantOp: "getHealth"},
		{name: "envelope accepted", api: ClientAPI, method: "POST", target: "/emsg/v1/messages", header: bearer, body: envelope,
			status: 202, respHeader: jsonType, respBody: []byte(`{"id":"01HF7YAT00011WPRHPQ49SFGWC"}`), wantOp: "sendMessage"},
		{name: "envelope refused: not a contact", api: ClientAPI, method: "POST", target: "/emsg/v1/messages", header: bearer, body: envelope,
			status: 403, respHeader: jsonType, respBody: errorBody("not_a_contact", "bob accepts contacts only"), wantOp: "sendMessage"},
		{name: "envelope refused: moved, with moved_to", api: ClientAPI, method: "POST", target: "/emsg/v1/messages", header: bearer, body: envelope,
			status: 410, respHeader: jsonType, respBody: []byte(`{"error":"moved","message":"bob moved","moved_to":"bob#c.test"}`), wantOp: "sendMessage"},
		{name: "rate limited with Retry-After", api: ClientAPI, method: "POST", target: "/emsg/v1/messages", header: bearer, body: envelope,
			status: 429, respHeader: withHeader(jsonType, "Retry-After", "5"),
			respBody: []byte(`{"error":"rate_limited","message":"slow down","retry_after":5}`), wantOp: "sendMessage"},
		{name: "key chain of a %23-encoded address", api: ClientAPI, method: "GET", target: "/emsg/v1/keys/alice%23a.test", header: bearer,
			status: 200, respHeader: jsonType, respBody: exampleOf(t, "key-chain"), wantOp: "getKeys"},
		{name: "an upper-case path address, which the server folds (ADDR-CASE-01)", api: ClientAPI, method: "GET", target: "/emsg/v1/keys/Alice%23A.Test", header: bearer,
			status: 200, respHeader: jsonType, respBody: exampleOf(t, "key-chain"), wantOp: "getKeys"},
		{name: "decline answers 204 without a body", api: ClientAPI, method: "POST", target: "/emsg/v1/contacts/requests/bob%23b.test/decline", header: bearer,
			status: 204, wantOp: "declineContactRequest"},
		{name: "login with a signed proof", api: ClientAPI, method: "POST", target: "/emsg/v1/login", header: jsonType, body: exampleOf(t, "login-request"),
			status: 200, respHeader: jsonType, respBody: exampleOf(t, "token"), wantOp: "login"},
		{name: "stream upgrade with since", api: ClientAPI, method: "GET", target: "/emsg/v1/stream?since=3", header: withHeader(upgrade, "Authorization", "Bearer tok_123"),
			status: 101, respHeader: switching, wantOp: "openStream"},
		{name: "stream with the token in the query", api: ClientAPI, method: "GET", target: "/emsg/v1/stream?access_token=tok_123", header: upgrade,
			status: 101, respHeader: switching, wantOp: "openStream"},
		{name: "settings change, request alone", api: ClientAPI, method: "PATCH", target: "/emsg/v1/settings", header: bearer, body: []byte(`{"ttl":3600}`),
			wantOp: "updateSettings"},
		{name: "federation transaction", api: FederationAPI, method: "POST", target: "/emsg/v1/federation/inbox", header: fedHeader, body: exampleOf(t, "fed-transaction"),
			status: 200, respHeader: jsonType, respBody: exampleOf(t, "fed-results"), wantOp: "federationInbox"},
		{name: "federation signature refused", api: FederationAPI, method: "POST", target: "/emsg/v1/federation/inbox", header: fedHeader, body: exampleOf(t, "fed-transaction"),
			status: 401, respHeader: jsonType, respBody: errorBody("bad_signature", "digest mismatch"), wantOp: "federationInbox"},
		{name: "group join accepted with its request id", api: ClientAPI, method: "POST", target: join, header: bearer,
			status: 202, respHeader: jsonType, respBody: []byte(`{"id":"01HF7YAT00R3QX2J5WZ9N4M8KD"}`), wantOp: "joinGroup"},
		{name: "groups not offered: 404 not_found", api: ClientAPI, method: "POST", target: join, header: bearer,
			status: 404, respHeader: jsonType, respBody: errorBody("not_found", "this server does not offer groups"), wantOp: "joinGroup"},
		{name: "key rotation with a revoked token: 401 unauthorized", api: ClientAPI, method: "PUT", target: "/emsg/v1/keys", header: bearer,
			body: exampleOf(t, "key-bundle"), status: 401, respHeader: jsonType, respBody: errorBody("unauthorized", "token revoked"), wantOp: "rotateKeys"},
		{name: "federation result moved, with moved_to", api: FederationAPI, method: "POST", target: "/emsg/v1/federation/inbox", header: fedHeader,
			body: exampleOf(t, "fed-transaction"), status: 200, respHeader: jsonType,
			respBody: []byte(`{"results":[{"index":0,"status":"error","error":"moved","message":"bob moved","moved_to":"bob#c.test"}]}`), wantOp: "federationInbox"},
		{name: "admin statistics", api: AdminAPI, method: "GET", target: "/emsg/v1/admin/stats", header: http.Header{"Authorization": {adminAuth}},
			status: 200, respHeader: jsonType, respBody: exampleOf(t, "admin-stats"), wantOp: "adminGetStats"},

		// Sad path: the request is at fault.
		{name: "unknown path", api: ClientAPI, method: "GET", target: "/emsg/v1/nope", header: bearer,
			status: 404, respHeader: jsonType, respBody: errorBody("not_found", "no"), wantPhase: PhaseRequest},
		{name: "method the path does not have", api: ClientAPI, method: "DELETE", target: "/emsg/v1/messages", header: bearer,
			status: 204, wantPhase: PhaseRequest},
		{name: "envelope missing its payload", api: ClientAPI, method: "POST", target: "/emsg/v1/messages", header: bearer,
			body:   editJSON(t, envelope, func(m map[string]any) { delete(m, "payload") }),
			status: 202, respHeader: jsonType, respBody: []byte(`{"id":"01HF7YAT00011WPRHPQ49SFGWC"}`), wantPhase: PhaseRequest, wantOp: "sendMessage"},
		{name: "envelope with an unknown member", api: ClientAPI, method: "POST", target: "/emsg/v1/messages", header: bearer,
			body: editJSON(t, envelope, func(m map[string]any) { m["cc"] = "carol#c.test" }), wantPhase: PhaseRequest, wantOp: "sendMessage"},
		{name: "login proof with the wrong type const", api: ClientAPI, method: "POST", target: "/emsg/v1/login", header: jsonType,
			body:      editJSON(t, exampleOf(t, "login-request"), func(m map[string]any) { m["proof"].(map[string]any)["type"] = "logout" }),
			wantPhase: PhaseRequest, wantOp: "login"},
		{name: "path parameter that is not an address", api: ClientAPI, method: "GET", target: "/emsg/v1/keys/alice", header: bearer,
			wantPhase: PhaseRequest, wantOp: "getKeys"},
		{name: "address with an all-digit last label (the schema's not clause)", api: ClientAPI, method: "GET", target: "/emsg/v1/keys/alice%23a.123", header: bearer,
			wantPhase: PhaseRequest, wantOp: "getKeys"},
		{name: "body on an operation without one", api: ClientAPI, method: "POST", target: "/emsg/v1/logout", header: bearer, body: []byte(`{}`),
			wantPhase: PhaseRequest, wantOp: "logout"},
		{name: "wrong request content type", api: ClientAPI, method: "POST", target: "/emsg/v1/messages",
			header: withHeader(bearer, "Content-Type", "text/plain"), body: envelope, wantPhase: PhaseRequest, wantOp: "sendMessage"},
		{name: "federation request without Authorization", api: FederationAPI, method: "POST", target: "/emsg/v1/federation/inbox",
			header: jsonType, body: exampleOf(t, "fed-transaction"), wantPhase: PhaseRequest, wantOp: "federationInbox"},
		{name: "federation Authorization with a bearer token", api: FederationAPI, method: "POST", target: "/emsg/v1/federation/inbox",
			header: withHeader(jsonType, "Authorization", "Bearer tok_123"), body: exampleOf(t, "fed-transaction"), wantPhase: PhaseRequest, wantOp: "federationInbox"},
		{name: "stream without the upgrade headers", api: ClientAPI, method: "GET", target: "/emsg/v1/stream", header: bearer,
			wantPhase: PhaseRequest, wantOp: "openStream"},

		// Sad path: the response is at fault.
		{name: "undocumented success status", api: ClientAPI, method: "POST", target: "/emsg/v1/messages", header: bearer, body: envelope,
			status: 200, respHeader: jsonType, respBody: []byte(`{"id":"01HF7YAT00011WPRHPQ49SFGWC"}`), wantPhase: PhaseResponse, wantOp: "sendMessage"},
		{name: "undocumented error status", api: ClientAPI, method: "GET", target: "/emsg/v1/settings", header: bearer,
			status: 418, respHeader: jsonType, respBody: errorBody("bad_request", "teapot"), wantPhase: PhaseResponse, wantOp: "getSettings"},
		{name: "accepted body of the wrong shape", api: ClientAPI, method: "POST", target: "/emsg/v1/messages", header: bearer, body: envelope,
			status: 202, respHeader: jsonType, respBody: []byte(`{"id":5}`), wantPhase: PhaseResponse, wantOp: "sendMessage"},
		{name: "discovery missing a required member", api: ClientAPI, method: "GET", target: "/.well-known/emsg",
			status: 200, respHeader: jsonType, respBody: editJSON(t, exampleOf(t, "discovery"), func(m map[string]any) { delete(m, "server_keys") }),
			wantPhase: PhaseResponse, wantOp: "getDiscovery"},
		{name: "error body with an unknown code", api: ClientAPI, method: "GET", target: "/emsg/v1/keys/alice%23a.test", header: bearer,
			status: 404, respHeader: jsonType, respBody: errorBody("no_such_thing", "?"), wantPhase: PhaseResponse, wantOp: "getKeys"},
		{name: "error code of another status", api: ClientAPI, method: "GET", target: "/emsg/v1/keys/alice%23a.test", header: bearer,
			status: 404, respHeader: jsonType, respBody: errorBody("gone", "deleted"), wantPhase: PhaseResponse, wantOp: "getKeys"},
		{name: "moved without moved_to", api: ClientAPI, method: "POST", target: "/emsg/v1/messages", header: bearer, body: envelope,
			status: 410, respHeader: jsonType, respBody: errorBody("moved", "bob moved"), wantPhase: PhaseResponse, wantOp: "sendMessage"},
		{name: "429 without Retry-After", api: ClientAPI, method: "POST", target: "/emsg/v1/messages", header: bearer, body: envelope,
			status: 429, respHeader: jsonType, respBody: []byte(`{"error":"rate_limited","message":"slow down","retry_after":5}`),
			wantPhase: PhaseResponse, wantOp: "sendMessage"},
		{name: "204 with a body", api: ClientAPI, method: "POST", target: "/emsg/v1/contacts/requests/bob%23b.test/decline", header: bearer,
			status: 204, respHeader: jsonType, respBody: []byte(`{}`), wantPhase: PhaseResponse, wantOp: "declineContactRequest"},
		{name: "success body that is not JSON", api: ClientAPI, method: "GET", target: "/emsg/v1/health",
			status: 200, respHeader: http.Header{"Content-Type": {"text/plain"}}, respBody: []byte("ok"), wantPhase: PhaseResponse, wantOp: "getHealth"},
		{name: "group operation answered 404 with a code not listed for it", api: ClientAPI, method: "POST", target: join, header: bearer,
			status: 404, respHeader: jsonType, respBody: errorBody("forbidden", "not invited"), wantPhase: PhaseResponse, wantOp: "joinGroup"},
		{name: "group refusal answered synchronously (it belongs on the stream)", api: ClientAPI, method: "POST", target: join, header: bearer,
			status: 403, respHeader: jsonType, respBody: errorBody("forbidden", "not invited"), wantPhase: PhaseResponse, wantOp: "joinGroup"},
		{name: "group operation accepted without its request id", api: ClientAPI, method: "POST", target: join, header: bearer,
			status: 202, respHeader: jsonType, respBody: []byte(`{}`), wantPhase: PhaseResponse, wantOp: "joinGroup"},
		{name: "federation result moved without moved_to", api: FederationAPI, method: "POST", target: "/emsg/v1/federation/inbox", header: fedHeader,
			body: exampleOf(t, "fed-transaction"), status: 200, respHeader: jsonType,
			respBody: []byte(`{"results":[{"index":0,"status":"error","error":"moved","message":"bob moved"}]}`), wantPhase: PhaseResponse, wantOp: "federationInbox"},
		{name: "federation results with an unknown status", api: FederationAPI, method: "POST", target: "/emsg/v1/federation/inbox", header: fedHeader,
			body: exampleOf(t, "fed-transaction"), status: 200, respHeader: jsonType, respBody: []byte(`{"results":[{"index":0,"status":"maybe"}]}`),
			wantPhase: PhaseResponse, wantOp: "federationInbox"},
	}
}

// TestValidateExchange runs the exchange table.
func TestValidateExchange(t *testing.T) {
	for _, x := range exchanges(t) {
		t.Run(x.name, func(t *testing.T) {
			req := httptest.NewRequest(x.method, x.target, nil)
			req.Header = x.header.Clone()
			if req.Header == nil {
				req.Header = http.Header{}
			}
			var resp *http.Response
			if x.status != 0 {
				resp = &http.Response{StatusCode: x.status, Header: x.respHeader.Clone()}
				if resp.Header == nil {
					resp.Header = http.Header{}
				}
			}
			err := ValidateExchange(x.api, req, x.body, resp, x.respBody)
			checkExchangeError(t, err, x)
		})
	}
}

// checkExchangeError compares err with what x expects.
func checkExchangeError(t *testing.T, err error, x exchange) {
	t.Helper()
	if x.wantPhase == "" {
		if err != nil {
			t.Fatalf("got %v, want no error", err)
		}
		return
	}
	var xe *ExchangeError
	if !errors.As(err, &xe) {
		t.Fatalf("got %v, want an *ExchangeError in phase %s", err, x.wantPhase)
	}
	if xe.Phase != x.wantPhase || xe.Operation != x.wantOp {
		t.Errorf("got phase %q operation %q, want %q %q (%v)", xe.Phase, xe.Operation, x.wantPhase, x.wantOp, err)
	}
	if x.wantPhase == PhaseResponse && xe.Status != x.status {
		t.Errorf("got status %d, want %d", xe.Status, x.status)
	}
	if xe.Detail == "" || strings.Contains(xe.Detail, "\nSchema:") {
		t.Errorf("detail %q: want one clear line without schema dumps", xe.Detail)
	}
	t.Logf("%v", err)
}

// TestValidateExchangeUnknownAPI checks the one failure that is not about
// the exchange.
func TestValidateExchangeUnknownAPI(t *testing.T) {
	req := httptest.NewRequest("GET", "/emsg/v1/health", nil)
	err := ValidateExchange("mail", req, nil, nil, nil)
	var xe *ExchangeError
	if !errors.Is(err, ErrUnknownAPI) || errors.As(err, &xe) {
		t.Fatalf("got %v, want ErrUnknownAPI", err)
	}
	if err := ValidateExchange(ClientAPI, nil, nil, nil, nil); !errors.As(err, &xe) || xe.Phase != PhaseRequest {
		t.Fatalf("nil request: got %v, want a request-phase *ExchangeError", err)
	}
}

// TestValidateExchangeKeepsBodies checks that validation leaves the caller's
// request untouched and can be repeated with the same bytes.
func TestValidateExchangeKeepsBodies(t *testing.T) {
	body := exampleOf(t, "envelope")
	req := httptest.NewRequest("POST", "/emsg/v1/messages", strings.NewReader(string(body)))
	req.Header = bearer.Clone()
	for i := range 2 {
		if err := ValidateExchange(ClientAPI, req, body, nil, nil); err != nil {
			t.Fatalf("run %d: %v", i, err)
		}
	}
	if req.URL.Path != "/emsg/v1/messages" {
		t.Errorf("request path changed to %q", req.URL.Path)
	}
}

// TestValidateExchangeConcurrent runs the table from several goroutines at
// once: the validators are shared and must not race (go test -race).
func TestValidateExchangeConcurrent(t *testing.T) {
	table := exchanges(t)
	errs := make(chan error, 4*len(table))
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, x := range table {
				req := httptest.NewRequest(x.method, x.target, nil)
				req.Header = x.header.Clone()
				var resp *http.Response
				if x.status != 0 {
					resp = &http.Response{StatusCode: x.status, Header: x.respHeader.Clone()}
				}
				err := ValidateExchange(x.api, req, x.body, resp, x.respBody)
				if (err == nil) != (x.wantPhase == "") {
					errs <- fmt.Errorf("%s: got %v", x.name, err)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// TestValidateExchangeBodyError checks that a body failure carries the
// schema error: its text in Detail, and the *SchemaError itself through
// errors.As, with the JSON Pointer of the offending value.
func TestValidateExchangeBodyError(t *testing.T) {
	body := editJSON(t, exampleOf(t, "envelope"), func(m map[string]any) {
		m["keys"].(map[string]any)["carol#c.test"] = "c2hvcnQ"
	})
	req := httptest.NewRequest("POST", "/emsg/v1/messages", nil)
	req.Header = bearer.Clone()
	err := ValidateExchange(ClientAPI, req, body, nil, nil)
	var xe *ExchangeError
	var se *SchemaError
	if !errors.As(err, &xe) || !errors.As(err, &se) {
		t.Fatalf("got %v, want an *ExchangeError wrapping a *SchemaError", err)
	}
	if se.Schema != "envelope" || se.Pointer != "/keys/carol#c.test" {
		t.Errorf("schema error %+v, want envelope.json at /keys/carol#c.test", se)
	}
	if want := "body: " + se.Error(); xe.Detail != want {
		t.Errorf("detail %q, want %q", xe.Detail, want)
	}
}
