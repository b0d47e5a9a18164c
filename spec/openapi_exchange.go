package spec

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
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

// ValidateExchange checks one HTTP exchange against the named document.
//
// The request must match an operation (path, method), its parameters and
// required headers, and its body (content type and schema). reqBody is the
// exact body sent; req.Body is not read. Authentication itself is not
// checked — servers do that — but a required header such as the federation
// Authorization must be present and well-formed.
//
// Then the response: its status must be one the operation documents (an
// undocumented status is an error, whatever its class), its documented
// headers (Retry-After on 429) must be present, and respBody must have the
// documented content type and match the schema of that status — for errors,
// the error shape with one of the codes listed for that status. A status
// documented without content must come with an empty body. A nil resp
// checks the request alone.
//
// A departure is reported as an [*ExchangeError]; an unknown api is an error
// wrapping [ErrUnknownAPI].
func ValidateExchange(api API, req *http.Request, reqBody []byte, resp *http.Response, respBody []byte) error {
	v, err := validatorFor(api)
	if err != nil {
		return err
	}
	if req == nil || req.URL == nil {
		return &ExchangeError{Phase: PhaseRequest, Detail: "no request"}
	}
	route, params, sub, err := v.findRoute(req)
	if err != nil {
		return &ExchangeError{Phase: PhaseRequest, Detail: fmt.Sprintf("%s %s: %v", req.Method, req.URL.Path, err)}
	}
	in := requestInput(sub, reqBody, route, params)
	if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
		return &ExchangeError{Operation: route.Operation.OperationID, Phase: PhaseRequest, Detail: describe(err)}
	}
	if resp == nil {
		return nil
	}
	if err := validateResponse(in, resp, respBody); err != nil {
		return &ExchangeError{Operation: route.Operation.OperationID, Phase: PhaseResponse,
			Status: resp.StatusCode, Detail: describe(err)}
	}
	return nil
}

// exchangeOptions are the filter options of every exchange: authentication
// accepted (servers check it), a body where none is documented refused, and
// an undocumented response status refused.
func exchangeOptions() *openapi3filter.Options {
	return &openapi3filter.Options{
		AuthenticationFunc:                openapi3filter.NoopAuthenticationFunc,
		RejectWhenRequestBodyNotSpecified: true,
		IncludeResponseStatus:             true,
		SkipSettingDefaults:               true,
	}
}

// requestInput builds the filter input for req with body as its body, which
// stays re-readable.
func requestInput(req *http.Request, body []byte, route *routers.Route, params map[string]string) *openapi3filter.RequestValidationInput {
	req.Body = io.NopCloser(bytes.NewReader(body))
	req.ContentLength = int64(len(body))
	req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	return &openapi3filter.RequestValidationInput{
		Request: req, PathParams: params, Route: route, Options: exchangeOptions(),
	}
}

// validateResponse checks resp against the operation of in.
func validateResponse(in *openapi3filter.RequestValidationInput, resp *http.Response, body []byte) error {
	ops := in.Route.Operation.Responses
	if ops.Status(resp.StatusCode) == nil {
		documented := slices.Sorted(maps.Keys(ops.Map()))
		return fmt.Errorf("status %d is not documented for this operation (documented: %s)",
			resp.StatusCode, strings.Join(documented, ", "))
	}
	out := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in,
		Status:                 resp.StatusCode,
		Header:                 resp.Header,
		Body:                   io.NopCloser(bytes.NewReader(body)),
		Options:                exchangeOptions(),
	}
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		return err
	}
	if r := ops.Status(resp.StatusCode).Value; r != nil && len(r.Content) == 0 && len(body) > 0 {
		return fmt.Errorf("status %d is documented without a body, got %d bytes", resp.StatusCode, len(body))
	}
	return nil
}

// exchangePrinter renders JSON Schema failures in English.
var exchangePrinter = message.NewPrinter(language.English)

// describe turns a kin-openapi error into one line: what part of the
// exchange failed, then every failing location of a schema failure, without
// the schema dumps kin-openapi appends to its own messages.
func describe(err error) string {
	var reqErr *openapi3filter.RequestError
	var respErr *openapi3filter.ResponseError
	var routeErr *routers.RouteError
	var what, reason string
	var inner error
	switch {
	case errors.As(err, &reqErr):
		what, reason, inner = requestPart(reqErr), reqErr.Reason, reqErr.Err
	case errors.As(err, &respErr):
		reason, inner = respErr.Reason, respErr.Err
	case errors.As(err, &routeErr):
		return routeErr.Reason
	default:
		return err.Error()
	}
	parts := []string{what, reason}
	if leaves := schemaLeaves(inner); len(leaves) > 0 {
		msgs := make([]string, 0, len(leaves))
		for _, l := range leaves {
			msgs = append(msgs, exchangeLeafMessage(l))
		}
		parts = append(parts, strings.Join(msgs, "; "))
	} else if inner != nil && inner.Error() != reason {
		parts = append(parts, inner.Error())
	}
	parts = slices.DeleteFunc(parts, func(s string) bool { return s == "" })
	return strings.Join(parts, ": ")
}

// requestPart names the part of the request a filter error is about.
func requestPart(e *openapi3filter.RequestError) string {
	switch {
	case e.Parameter != nil:
		return fmt.Sprintf("%s parameter %q", e.Parameter.In, e.Parameter.Name)
	case e.RequestBody != nil:
		return "body"
	}
	return ""
}

// schemaLeaves collects the innermost schema errors under err.
func schemaLeaves(err error) []*openapi3.SchemaError {
	switch e := err.(type) {
	case nil:
		return nil
	case *openapi3.SchemaError:
		if e.Origin != nil {
			if sub := schemaLeaves(e.Origin); len(sub) > 0 {
				return sub
			}
		}
		return []*openapi3.SchemaError{e}
	case openapi3.MultiError:
		var all []*openapi3.SchemaError
		for _, sub := range e {
			all = append(all, schemaLeaves(sub)...)
		}
		return all
	case interface{ Unwrap() []error }:
		var all []*openapi3.SchemaError
		for _, sub := range e.Unwrap() {
			all = append(all, schemaLeaves(sub)...)
		}
		return all
	case interface{ Unwrap() error }:
		return schemaLeaves(e.Unwrap())
	}
	return nil
}

// exchangeLeafMessage renders one schema failure as "at /pointer: reason".
func exchangeLeafMessage(e *openapi3.SchemaError) string {
	var verr *jsonschema.ValidationError
	if errors.As(e, &verr) {
		return fmt.Sprintf("at %s: %s", exchangePointer(verr.InstanceLocation), verr.ErrorKind.LocalizedString(exchangePrinter))
	}
	return fmt.Sprintf("at %s: %s", exchangePointer(e.JSONPointer()), e.Reason)
}

// pointer renders a JSON Pointer, "/" for the whole document.
func exchangePointer(tokens []string) string {
	if len(tokens) == 0 {
		return "/"
	}
	var b strings.Builder
	for _, t := range tokens {
		b.WriteByte('/')
		b.WriteString(strings.NewReplacer("~", "~0", "/", "~1").Replace(t))
	}
	return b.String()
}
