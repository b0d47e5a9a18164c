package probe

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/reference/resolve"
	"github.com/emsg-project/emsg/reports/results"
	"github.com/emsg-project/emsg/spec"
)

// maxAnswerBytes bounds what the probe reads of one answer.
const maxAnswerBytes = 8 << 20

// Probe reaches the domains of a deployment through a resolver table and
// logs what it says and hears. One Probe serves one spec (its Log is the
// spec's evidence); make it with [New].
type Probe struct {
	Table resolve.Table
	Deps  wire.Deps
	Log   *Log
	// Invites, if set, gets invite tokens for the registrations of
	// [Probe.Register] that a server refuses with forbidden.
	Invites InviteFunc
	http    *http.Client
}

// New returns a probe for table with a fresh log; timeout bounds each
// HTTP exchange.
func New(table resolve.Table, timeout time.Duration) *Probe {
	c := table.Client(nil)
	c.Timeout = timeout
	return &Probe{Table: table, Deps: wire.System(), Log: NewLog(), http: c}
}

// SetTimeout bounds each later HTTP exchange by timeout instead: for an
// answer the server may take longer on (it waits on another server).
func (p *Probe) SetTimeout(timeout time.Duration) { p.http.Timeout = timeout }

// Request is one HTTP request the probe sends to a domain.
type Request struct {
	Method string
	Domain string
	Path   string // with the query, e.g. "/emsg/v1/stream?since=3"
	Header http.Header
	Body   []byte // the exact bytes; nil for none
	// Malformed says the request breaks the spec on purpose (robustness
	// specs): the probe then checks only the server's side of the exchange.
	Malformed bool
}

// Response is what the server answered.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// Code is the "error" member of an error answer ("" if there is none).
func (r *Response) Code() string {
	var e struct {
		Error string `json:"error"`
	}
	_ = json.Unmarshal(r.Body, &e)
	return e.Error
}

// Decode unmarshals the body into v.
func (r *Response) Decode(v any) error {
	if err := json.Unmarshal(r.Body, v); err != nil {
		return fmt.Errorf("decode %d answer %q: %w", r.Status, truncate(string(r.Body)), err)
	}
	return nil
}

// String reads "403 forbidden" or "202".
func (r *Response) String() string {
	if c := r.Code(); c != "" {
		return fmt.Sprintf("%d %s", r.Status, c)
	}
	return fmt.Sprint(r.Status)
}

// Do sends req, logs the exchange and validates it against spec/. The
// error is for a request that got no answer (refused connection,
// timeout); any answer, whatever its status, is a Response.
func (p *Probe) Do(ctx context.Context, req Request) (*Response, error) {
	url, err := p.Table.URL(req.Domain, req.Path)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", req.Method, req.Path, err)
	}
	hr, err := http.NewRequestWithContext(ctx, req.Method, url, bytes.NewReader(req.Body))
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", req.Method, req.Path, err)
	}
	if req.Body == nil {
		hr.Body, hr.ContentLength = http.NoBody, 0
	}
	for k, vs := range req.Header {
		hr.Header[k] = vs
	}
	summary := req.Method + " " + url
	start := time.Now()
	resp, err := p.http.Do(hr)
	if err != nil {
		p.Log.add(results.WireEntry{At: start, Kind: "http", Summary: summary + " → " + err.Error(), Request: string(req.Body)})
		return nil, fmt.Errorf("%s: %w", summary, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswerBytes))
	if err != nil {
		return nil, fmt.Errorf("%s: read answer: %w", summary, err)
	}
	out := &Response{Status: resp.StatusCode, Header: resp.Header, Body: body}
	violation := validate(req, hr, resp, body)
	p.Log.add(results.WireEntry{At: start, Kind: "http", Summary: fmt.Sprintf("%s → %s", summary, out),
		Request: string(req.Body), Response: string(body), Violation: violation})
	return out, nil
}

// JSON is [Probe.Do] with v encoded as the body and the JSON content type.
func (p *Probe) JSON(ctx context.Context, method, domain, path string, header http.Header, v any) (*Response, error) {
	req := Request{Method: method, Domain: domain, Path: path, Header: header.Clone()}
	if req.Header == nil {
		req.Header = http.Header{}
	}
	if v != nil {
		raw, err := json.Marshal(v)
		if err != nil {
			return nil, fmt.Errorf("%s %s: encode: %w", method, path, err)
		}
		req.Body = raw
		req.Header.Set("Content-Type", "application/json")
	}
	return p.Do(ctx, req)
}

// apiOf names the OpenAPI document a path belongs to.
func apiOf(path string) spec.API {
	switch {
	case strings.HasPrefix(path, "/emsg/v1/federation/"):
		return spec.FederationAPI
	case strings.HasPrefix(path, "/emsg/v1/admin/"):
		return spec.AdminAPI
	}
	return spec.ClientAPI
}

// validate checks an exchange and returns the violation it finds ("" for
// none). For a malformed request only the answer's error shape is checked.
func validate(req Request, hr *http.Request, resp *http.Response, body []byte) string {
	if req.Malformed {
		return checkErrorAnswer(resp.StatusCode, resp.Header, body)
	}
	err := spec.ValidateExchange(apiOf(hr.URL.Path), hr, req.Body, resp, body)
	var xe *spec.ExchangeError
	if errors.As(err, &xe) && xe.Phase == spec.PhaseRequest {
		// The suite's own request departs from the spec: a suite bug, but
		// still report it, and still judge the server's answer.
		if v := checkErrorAnswer(resp.StatusCode, resp.Header, body); v != "" {
			return v
		}
		return ""
	}
	if err != nil {
		return err.Error()
	}
	return ""
}

// checkErrorAnswer checks an error answer on its own: the error shape
// (ERR-SHAPE-01) and the status that goes with its code (ERR-STATUS-01).
func checkErrorAnswer(status int, header http.Header, body []byte) string {
	if status < 400 {
		return ""
	}
	if err := spec.ValidateJSON("error", body); err != nil {
		return fmt.Sprintf("ERR-SHAPE-01: error answer %d: %v", status, err)
	}
	var e struct {
		Error string `json:"error"`
	}
	_ = json.Unmarshal(body, &e)
	if want, ok := spec.StatusOf(e.Error); ok && want != status {
		return fmt.Sprintf("ERR-STATUS-01: code %s with status %d, want %d", e.Error, status, want)
	}
	if ct := header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		return fmt.Sprintf("ERR-SHAPE-01: error answer with Content-Type %q", ct)
	}
	return ""
}
