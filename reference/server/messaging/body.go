package messaging

import (
	"errors"
	"io"
	"mime"
	"net/http"

	"github.com/emsg-project/emsg/reference/server/httpapi"
)

// readBody reads a JSON request body of at most limit bytes: bad_request
// for another content type (API-JSON-01), too_large beyond the limit.
// Unlike [httpapi.ReadBody] it applies no schema, because the spec orders
// some checks before the schema (unsupported_version, bad_address).
func readBody(r *http.Request, limit int) ([]byte, error) {
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		return nil, httpapi.Errorf("bad_request", "the body must be application/json")
	}
	body, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, int64(limit)))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return nil, httpapi.Errorf("too_large", "the body exceeds %d bytes", limit)
		}
		return nil, httpapi.Errorf("bad_request", "the body could not be read: %v", err)
	}
	return body, nil
}
