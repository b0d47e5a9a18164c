package httpapi

import (
	"net/http"
	"strings"
)

// Mux routes requests by method and path like http.ServeMux, but answers
// every miss in the spec's error shape: an unknown path is not_found, a
// known path with another method is bad_request naming the allowed ones.
type Mux struct {
	mux     *http.ServeMux
	methods map[string][]string // path pattern -> methods registered
}

// NewMux returns an empty Mux whose unknown paths answer not_found.
func NewMux() *Mux {
	m := &Mux{mux: http.NewServeMux(), methods: map[string][]string{}}
	m.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		WriteError(w, Errorf("not_found", "no such endpoint: %s", r.URL.Path))
	})
	return m
}

// Handle routes method and path (a ServeMux pattern such as
// "/emsg/v1/keys/{address}") to h.
func (m *Mux) Handle(method, path string, h http.HandlerFunc) {
	m.mux.HandleFunc(method+" "+path, h)
	if _, seen := m.methods[path]; !seen {
		m.mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			WriteError(w, Errorf("bad_request", "%s is not allowed on %s; use %s", r.Method, r.URL.Path, strings.Join(m.methods[path], ", ")))
		})
	}
	m.methods[path] = append(m.methods[path], method)
}

// ServeHTTP dispatches the request.
func (m *Mux) ServeHTTP(w http.ResponseWriter, r *http.Request) { m.mux.ServeHTTP(w, r) }
