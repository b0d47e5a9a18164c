package spec

import (
	"cmp"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
)

// validator is the ready-to-use form of one document: its inlined copy,
// split into one router per server base, and its operation list.
type validator struct {
	api        API
	doc        *openapi3.T  // the inlined copy the routers serve
	bases      []baseRouter // longest base first
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

// newValidator loads api's document, lists its operations from the pristine
// copy, then inlines a second copy (see [inlineDocument]) and builds its
// routers. The routers validate the document as OpenAPI 3.1 on the way.
func newValidator(api API) (*validator, error) {
	doc, err := Document(api)
	if err != nil {
		return nil, err
	}
	v := &validator{api: api, operations: listOperations(api, doc)}
	work, err := loadDocument(api)
	if err != nil {
		return nil, err
	}
	if err := inlineDocument(work); err != nil {
		return nil, fmt.Errorf("openapi %s: inline schemas: %w", api, err)
	}
	v.doc = work
	if v.bases, err = baseRouters(work); err != nil {
		return nil, fmt.Errorf("openapi %s: %w", api, err)
	}
	return v, nil
}

// baseRouters groups doc's path items by server base and builds a router
// for each group.
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
		// The pristine document was validated with its examples; the inlined
		// copy repeats each example wherever its schema is inlined.
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

// findRoute finds the operation of req. It returns the route, its path
// parameters, and req re-targeted at the path below the base, which is what
// kin-openapi's filters expect.
func (v *validator) findRoute(req *http.Request) (*routers.Route, map[string]string, *http.Request, error) {
	miss := errNoOperation
	for _, b := range v.bases {
		rest, ok := strings.CutPrefix(req.URL.Path, b.base)
		if !ok || !strings.HasPrefix(rest, "/") {
			continue
		}
		sub := req.Clone(req.Context())
		sub.URL.Path, sub.URL.RawPath = rest, ""
		route, params, err := b.router.FindRoute(sub)
		if err == nil {
			return route, params, sub, nil
		}
		if errors.Is(err, routers.ErrMethodNotAllowed) || strings.Contains(err.Error(), routers.ErrMethodNotAllowed.Error()) {
			miss = errNoMethod
		}
	}
	return nil, nil, nil, miss
}
