package spec

import (
	"cmp"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
)

// validator is the ready-to-use form of one document: one router per
// server base, the compiled checks of every operation, and the operation
// list. It is built once per process and read-only afterwards, so any
// number of goroutines may use it at once.
type validator struct {
	api        API
	bases      []baseRouter // longest base first
	checks     map[*openapi3.Operation]*operationCheck
	operations []Operation
}

// baseRouter routes the path items served under one base ("/emsg/v1", or ""
// for the root). kin-openapi's legacy router ignores path-level servers, so
// each base gets a router over a copy of the document holding only its own
// path items and no servers; the base is stripped before routing.
type baseRouter struct {
	base   string
	router routers.Router
}

// newValidator loads and validates api's document, lists its operations,
// builds its routers and compiles the checks of every operation (see
// [buildChecks]).
func newValidator(api API) (*validator, error) {
	doc, err := Document(api)
	if err != nil {
		return nil, err
	}
	v := &validator{api: api, operations: listOperations(api, doc)}
	if v.bases, err = baseRouters(doc); err != nil {
		return nil, fmt.Errorf("openapi %s: %w", api, err)
	}
	dc, err := newDocCompiler(api, doc)
	if err != nil {
		return nil, fmt.Errorf("openapi %s: %w", api, err)
	}
	if v.checks, err = buildChecks(dc, doc); err != nil {
		return nil, fmt.Errorf("openapi %s: %w", api, err)
	}
	return v, nil
}

// baseRouters groups doc's path items by server base and builds a router
// for each group. The routers share doc's path items and operations.
func baseRouters(doc *openapi3.T) ([]baseRouter, error) {
	groups := map[string][]openapi3.NewPathsOption{}
	for p, item := range doc.Paths.Map() {
		base := serverBase(doc, item)
		groups[base] = append(groups[base], openapi3.WithPath(p, item))
	}
	var out []baseRouter
	for base, items := range groups {
		sub := *doc
		sub.Servers = nil
		sub.Paths = openapi3.NewPaths(items...)
		// Document validated doc with its examples already.
		r, err := legacy.NewRouter(&sub, openapi3.DisableExamplesValidation())
		if err != nil {
			return nil, fmt.Errorf("router for base %q: %w", base, err)
		}
		out = append(out, baseRouter{base: base, router: r})
	}
	slices.SortFunc(out, func(a, b baseRouter) int { return cmp.Compare(len(b.base), len(a.base)) })
	return out, nil
}

// errNoOperation and errNoMethod are the two ways a request can miss.
var (
	errNoOperation = errors.New("no operation has this path")
	errNoMethod    = errors.New("the path has no operation for this method")
)

// findRoute finds the operation of req and its path parameters (decoded:
// "alice%23a.test" is "alice#a.test"). The router sees the method and the
// path below the base, nothing else of req.
func (v *validator) findRoute(req *http.Request) (*routers.Route, map[string]string, error) {
	miss := errNoOperation
	for _, b := range v.bases {
		rest, ok := strings.CutPrefix(req.URL.Path, b.base)
		if !ok || !strings.HasPrefix(rest, "/") {
			continue
		}
		route, params, err := b.router.FindRoute(&http.Request{Method: req.Method, URL: &url.URL{Path: rest}})
		if err == nil {
			return route, params, nil
		}
		if errors.Is(err, routers.ErrMethodNotAllowed) || strings.Contains(err.Error(), routers.ErrMethodNotAllowed.Error()) {
			miss = errNoMethod
		}
	}
	return nil, nil, miss
}
