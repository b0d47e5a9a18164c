package httpapi

import (
	"net/http"
	"slices"
	"strings"
)

// methods are the HTTP methods the EMSG APIs use, in the order a
// method-not-allowed answer lists them.
var methods = []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete}

// Mux routes requests by method and path like http.ServeMux, but answers
// every miss in the spec's error shape: an unknown path is not_found, a
// known path with another method is bad_request naming the allowed ones.
// It registers nothing but the routes it is given, so patterns that
// differ only in method or specificity never conflict.
type Mux struct {
	mux *http.ServeMux
}

// NewMux returns an empty Mux.
func NewMux() *Mux { return &Mux{mux: http.NewServeMux()} }

// Handle routes method and path (a ServeMux pattern such as
// "/emsg/v1/keys/{address}") to h.
func (m *Mux) Handle(method, path string, h http.HandlerFunc) {
	m.mux.HandleFunc(method+" "+path, h)
}

// ServeHTTP dispatches the request, or answers the miss.
func (m *Mux) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if _, pattern := m.mux.Handler(r); pattern != "" {
		m.mux.ServeHTTP(w, r) // it, not the handler, fills in the path values
		return
	}
	if allowed := m.allowed(r); len(allowed) > 0 {
		WriteError(w, Errorf("bad_request", "%s is not allowed on %s; use %s", r.Method, r.URL.Path, strings.Join(allowed, ", ")))
		return
	}
	WriteError(w, Errorf("not_found", "no such endpoint: %s", r.URL.Path))
}

// allowed lists the methods that have a route for r's path.
func (m *Mux) allowed(r *http.Request) []string {
	var out []string
	for _, method := range methods {
		probe := r.Clone(r.Context())
		probe.Method = method
		if _, pattern := m.mux.Handler(probe); pattern != "" && !slices.Contains(out, method) {
			out = append(out, method)
		}
	}
	return out
}
