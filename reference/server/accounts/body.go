package accounts

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/server/httpapi"
)

// readBody reads the request body with [httpapi.ReadBody] under the client
// API's size limit and the named schema.
//
// The schemas describe an address as a lower-case pattern, so an address
// that breaks the grammar or is not in canonical form fails the schema. The
// spec answers that with bad_address (ADDR-SYNTAX-01, ADDR-SIGNED-01), not
// bad_request: when the body fails its schema and the string at one of the
// JSON Pointers addrs is not a canonical address, readBody answers
// bad_address naming it.
func (s *Service) readBody(r *http.Request, schema string, addrs ...string) ([]byte, error) {
	var seen bytes.Buffer
	if r.Body != nil {
		r.Body = struct {
			io.Reader
			io.Closer
		}{io.TeeReader(r.Body, &seen), r.Body}
	}
	body, err := httpapi.ReadBody(r, s.cfg.MaxBodyBytes, schema)
	if err == nil {
		return body, nil
	}
	if httpapi.AsError(err).Code == "bad_request" {
		if bad := badAddressIn(seen.Bytes(), addrs); bad != nil {
			return nil, bad
		}
	}
	return nil, err
}

// badAddressIn returns a bad_address error for the first pointer of addrs
// whose value in body is a string that is not a canonical address, or nil
// (also when body is not JSON).
func badAddressIn(body []byte, addrs []string) error {
	var doc any
	if len(addrs) == 0 || json.Unmarshal(body, &doc) != nil {
		return nil
	}
	for _, ptr := range addrs {
		s, ok := stringAt(doc, ptr)
		if !ok {
			continue
		}
		if _, err := address.ParseCanonical(s); err != nil {
			return httpapi.Errorf("bad_address", "%s: %v", ptr, err)
		}
	}
	return nil
}

// stringAt returns the string at a JSON Pointer of plain member names (no
// arrays, no escapes: the pointers this package uses) in doc.
func stringAt(doc any, ptr string) (string, bool) {
	v := doc
	for _, name := range strings.Split(strings.TrimPrefix(ptr, "/"), "/") {
		obj, ok := v.(map[string]any)
		if !ok {
			return "", false
		}
		if v, ok = obj[name]; !ok {
			return "", false
		}
	}
	s, ok := v.(string)
	return s, ok
}
