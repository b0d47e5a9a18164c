package spec

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"path"
	"slices"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
)

// OpenAPIFS holds the OpenAPI 3.1 documents of the EMSG/1 HTTP APIs as
// openapi/<api>.yaml: client.yaml (client–server, base /emsg/v1, plus
// /.well-known/emsg), federation.yaml (server–server, base
// /emsg/v1/federation) and admin.yaml (operator API, base /emsg/v1). Their
// bodies refer to the files of [SchemaFS] as "../schemas/<name>.json".
//
//go:embed openapi/*.yaml
var OpenAPIFS embed.FS

// API names one of the OpenAPI documents; its value is the file name without
// ".yaml".
type API string

// The three HTTP APIs of EMSG/1.
const (
	ClientAPI     API = "client"     // what a client speaks with its own server
	FederationAPI API = "federation" // what servers speak with each other
	AdminAPI      API = "admin"      // what an operator speaks with its server
)

// APIs lists every [API], in document order.
var APIs = []API{ClientAPI, FederationAPI, AdminAPI}

// ErrUnknownAPI is returned (wrapped) for an [API] value that names no
// document.
var ErrUnknownAPI = errors.New("unknown API")

// Operation is one operation of an OpenAPI document, as the document
// generator and the conformance suites list them.
type Operation struct {
	API         API
	Method      string   // upper-case HTTP method, e.g. "POST"
	Path        string   // the full path template, e.g. "/emsg/v1/keys/{address}"
	OperationID string   // unique across the three documents
	Summary     string   // one line
	Tags        []string // the profiles the operation belongs to (core, groups, ...)
}

// Document loads the named OpenAPI document with every "../schemas/x.json"
// reference resolved from [SchemaFS], and validates it as OpenAPI 3.1. Each
// call returns a fresh copy, which the caller may modify.
func Document(api API) (*openapi3.T, error) {
	doc, err := loadDocument(api)
	if err != nil {
		return nil, err
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("openapi %s: validate: %w", api, err)
	}
	return doc, nil
}

// Operations lists the operations of the named document sorted by path and
// method, with full paths (server base included). It returns nil when the
// document does not load, which the package tests rule out.
func Operations(api API) []Operation {
	v, err := validatorFor(api)
	if err != nil {
		return nil
	}
	return slices.Clone(v.operations)
}

// loadDocument parses openapi/<api>.yaml and resolves its references.
func loadDocument(api API) (*openapi3.T, error) {
	if !slices.Contains(APIs, api) {
		return nil, fmt.Errorf("openapi %q: %w", string(api), ErrUnknownAPI)
	}
	name := "openapi/" + string(api) + ".yaml"
	data, err := fs.ReadFile(OpenAPIFS, name)
	if err != nil {
		return nil, fmt.Errorf("openapi %s: %w", api, err)
	}
	loader := openapi3.NewLoader()
	loader.IsExternalRefsAllowed = true
	loader.ReadFromURIFunc = readEmbedded
	doc, err := loader.LoadFromDataWithPath(data, &url.URL{Path: name})
	if err != nil {
		return nil, fmt.Errorf("openapi %s: load: %w", api, err)
	}
	return doc, nil
}

// readEmbedded is the loader's only way to read a referenced file: relative
// paths under schemas/ and openapi/ come from [SchemaFS] and [OpenAPIFS],
// and so do absolute references to a schema's $id (under [SchemaBaseURL]).
// Nothing is ever fetched from the network or the disk.
func readEmbedded(_ *openapi3.Loader, u *url.URL) ([]byte, error) {
	p, err := embeddedPath(u)
	if err != nil {
		return nil, err
	}
	fsys := fs.FS(SchemaFS)
	if strings.HasPrefix(p, "openapi/") {
		fsys = OpenAPIFS
	}
	data, err := fs.ReadFile(fsys, p)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", u, err)
	}
	return data, nil
}

// embeddedPath maps a reference URL to a path inside the embedded files.
func embeddedPath(u *url.URL) (string, error) {
	if u.Scheme != "" || u.Host != "" {
		abs := u.Scheme + "://" + u.Host + path.Dir(u.Path) + "/"
		if abs != SchemaBaseURL {
			return "", fmt.Errorf("read %s: %w (only embedded files are read)", u, openapi3.ErrURINotSupported)
		}
		return "schemas/" + path.Base(u.Path), nil
	}
	p := path.Clean(u.Path)
	if dir := path.Dir(p); dir != "schemas" && dir != "openapi" {
		return "", fmt.Errorf("read %s: %w (only schemas/ and openapi/ are embedded)", u, openapi3.ErrURINotSupported)
	}
	return p, nil
}

// validators holds one lazily built [validator] per API.
var validators = map[API]func() (*validator, error){}

func init() {
	for _, api := range APIs {
		validators[api] = sync.OnceValues(func() (*validator, error) { return newValidator(api) })
	}
}

// validatorFor returns the cached validator of api.
func validatorFor(api API) (*validator, error) {
	build, ok := validators[api]
	if !ok {
		return nil, fmt.Errorf("openapi %q: %w", string(api), ErrUnknownAPI)
	}
	return build()
}

// listOperations flattens doc into [Operation]s with full paths.
func listOperations(api API, doc *openapi3.T) []Operation {
	var ops []Operation
	for p, item := range doc.Paths.Map() {
		base := serverBase(doc, item)
		for method, op := range item.Operations() {
			ops = append(ops, Operation{
				API: api, Method: strings.ToUpper(method), Path: base + p,
				OperationID: op.OperationID, Summary: op.Summary, Tags: slices.Clone(op.Tags),
			})
		}
	}
	slices.SortFunc(ops, func(a, b Operation) int {
		if c := strings.Compare(a.Path, b.Path); c != 0 {
			return c
		}
		return strings.Compare(a.Method, b.Method)
	})
	return ops
}

// serverBase is the path prefix a path item is served under: its own first
// server if it has one (discovery lives at the root), else the document's;
// "/" becomes "" so that base + path is the full path.
func serverBase(doc *openapi3.T, item *openapi3.PathItem) string {
	servers := doc.Servers
	if len(item.Servers) > 0 {
		servers = item.Servers
	}
	if len(servers) == 0 {
		return ""
	}
	return strings.TrimSuffix(servers[0].URL, "/")
}
