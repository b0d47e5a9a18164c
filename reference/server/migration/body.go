package migration

import (
	"errors"
	"io"
	"mime"
	"net/http"

	"github.com/emsg-project/emsg/reference/server/httpapi"
	"github.com/emsg-project/emsg/spec"
)

// readRaw reads a JSON body of at most limit bytes (too_large beyond,
// bad_request for another content type). The schema is checked after the
// protocol library parsed the body, so that its finer codes
// (unsupported_version, bad_address) come first.
func readRaw(r *http.Request, limit int) ([]byte, error) {
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		return nil, httpapi.Errorf("bad_request", "the body must be application/json")
	}
	raw, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, int64(limit)))
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		return nil, httpapi.Errorf("too_large", "the body exceeds %d bytes", limit)
	case err != nil:
		return nil, httpapi.Errorf("bad_request", "the body could not be read: %v", err)
	}
	return raw, nil
}

// fits checks raw against the named schema (bad_request).
func fits(schema string, raw []byte) error {
	if err := spec.ValidateJSON(schema, raw); err != nil {
		return httpapi.Errorf("bad_request", "%v", err)
	}
	return nil
}
