package spec

import (
	"fmt"
	"net/http"
)

// The two phases of an exchange an [ExchangeError] can be about.
const (
	PhaseRequest  = "request"
	PhaseResponse = "response"
)

// ExchangeError says how an HTTP exchange departs from its OpenAPI document:
// which operation it was routed to, whether the request or the response is
// at fault, and what is wrong. [ValidateExchange] returns it.
type ExchangeError struct {
	Operation string // the operationId; "" when no operation matches the request
	Phase     string // PhaseRequest or PhaseResponse
	Status    int    // the response status (0 in the request phase)
	Detail    string // what is wrong, with JSON Pointers into the body
	// Err is the failure Detail describes; for a body that does not match
	// its schema, errors.As finds the [*SchemaError] in it.
	Err error
}

// Error reads "openapi: sendMessage: response 404: ...".
func (e *ExchangeError) Error() string {
	op := e.Operation
	if op == "" {
		op = "(no operation)"
	}
	if e.Phase == PhaseResponse {
		return fmt.Sprintf("openapi: %s: response %d: %s", op, e.Status, e.Detail)
	}
	return fmt.Sprintf("openapi: %s: request: %s", op, e.Detail)
}

// Unwrap returns Err.
func (e *ExchangeError) Unwrap() error { return e.Err }

// ValidateExchange checks one HTTP exchange against the named document.
//
// The request must match an operation (path, method), its path, query and
// header parameters (required ones present, each matching its schema), and
// its body: present if required, absent if the operation documents none,
// else of a documented Content-Type and matching its schema. reqBody is the
// exact body sent; req.Body is not read and req is not modified.
// Authentication itself is not checked — servers do that — but a required
// header such as the federation Authorization must be present and
// well-formed.
//
// Then the response: its status must be one the operation documents (an
// undocumented status is an error, whatever its class), its documented
// headers (Retry-After on 429) must be present and valid, and respBody
// must have the documented content type and match the schema of that
// status — for errors, the error shape with one of the codes listed for
// that status. A status documented without content must come with an empty
// body. A nil resp checks the request alone.
//
// Bodies are read under the wire rules of [ValidateJSON] (UTF-8, no
// repeated member names, integers only), and a body that fails its schema
// is reported with the [*SchemaError] text, e.g. "body: envelope.json:
// /keys/bob#b.test: ...". Every schema is compiled once per process, so an
// exchange takes tens of microseconds. ValidateExchange is safe for
// concurrent use.
//
// A departure is reported as an [*ExchangeError]; an unknown api is an error
// wrapping [ErrUnknownAPI].
func ValidateExchange(api API, req *http.Request, reqBody []byte, resp *http.Response, respBody []byte) error {
	v, err := validatorFor(api)
	if err != nil {
		return err
	}
	return v.validateExchange(req, reqBody, resp, respBody)
}

// validateExchange is [ValidateExchange] on v's document.
func (v *validator) validateExchange(req *http.Request, reqBody []byte, resp *http.Response, respBody []byte) error {
	if req == nil || req.URL == nil {
		return &ExchangeError{Phase: PhaseRequest, Detail: "no request"}
	}
	route, params, err := v.findRoute(req)
	if err != nil {
		return &ExchangeError{Phase: PhaseRequest, Detail: fmt.Sprintf("%s %s: %v", req.Method, req.URL.Path, err), Err: err}
	}
	oc := v.checks[route.Operation]
	if oc == nil { // defensive: buildChecks covers every operation a router holds
		return fmt.Errorf("openapi %s: operation %q has no compiled checks", v.api, route.Operation.OperationID)
	}
	if err := oc.checkRequest(req, params, reqBody); err != nil {
		return &ExchangeError{Operation: oc.id, Phase: PhaseRequest, Detail: err.Error(), Err: err}
	}
	if resp == nil {
		return nil
	}
	if err := oc.checkResponse(resp, respBody); err != nil {
		return &ExchangeError{Operation: oc.id, Phase: PhaseResponse, Status: resp.StatusCode, Detail: err.Error(), Err: err}
	}
	return nil
}

// checkRequest checks the parameters, then the body of a request routed to
// oc's operation.
func (oc *operationCheck) checkRequest(req *http.Request, params map[string]string, body []byte) error {
	src := &valueSource{path: params, rawURL: req.URL, header: req.Header}
	if err := checkValues(oc.params, src); err != nil {
		return err
	}
	if oc.body == nil {
		return checkEmpty("the operation takes no request body", body)
	}
	return oc.body.check(req.Header.Get("Content-Type"), body)
}

// checkResponse checks the status, then the headers, then the body of a
// response to oc's operation.
func (oc *operationCheck) checkResponse(resp *http.Response, body []byte) error {
	rr := oc.responses.Status(resp.StatusCode)
	if rr == nil {
		return fmt.Errorf("status %d is not documented for this operation (documented: %s)", resp.StatusCode, oc.documented)
	}
	rc := oc.byResponse[rr]
	if err := checkValues(rc.headers, &valueSource{header: resp.Header}); err != nil {
		return err
	}
	if rc.body == nil {
		return checkEmpty(fmt.Sprintf("status %d is documented without a body", resp.StatusCode), body)
	}
	return rc.body.check(resp.Header.Get("Content-Type"), body)
}
