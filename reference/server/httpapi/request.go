package httpapi

import (
	"errors"
	"io"
	"mime"
	"net/http"

	"github.com/emsg-project/emsg/spec"
)

// ReadBody reads a JSON request body of at most limit bytes and checks it
// against the named schema of the spec (for example "register-request").
// Failures are answers: too_large beyond the limit, bad_request for another
// content type, for JSON the schema rejects (the message names the
// offending member) or for a body that cannot be read.
func ReadBody(r *http.Request, limit int, schema string) ([]byte, error) {
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		return nil, Errorf("bad_request", "the body must be application/json")
	}
	body, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, int64(limit)))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return nil, Errorf("too_large", "the body exceeds %d bytes", limit)
		}
		return nil, Errorf("bad_request", "the body could not be read: %v", err)
	}
	if err := spec.ValidateJSON(schema, body); err != nil {
		return nil, Errorf("bad_request", "%v", err)
	}
	return body, nil
}
