package spec

import (
	"fmt"
	"strings"
)

// check validates one body against bc: a required body must be present; a
// present body must have a documented Content-Type, parse as JSON under the
// wire rules of [ValidateJSON] (UTF-8, no repeated member names, integers
// only) and match the schema of its media type. A failure of the last two
// wraps the [*SchemaError], whose text names the schema file and the JSON
// Pointer of the offending value.
func (bc *bodyCheck) check(contentType string, body []byte) error {
	if len(body) == 0 {
		if bc.required {
			return fmt.Errorf("body: required but empty (documented: %s)", bc.types)
		}
		return nil
	}
	media := bc.content.Get(contentType)
	if media == nil {
		return fmt.Errorf("body: Content-Type %q is not documented (documented: %s)", contentType, bc.types)
	}
	bs := bc.schemas[media]
	if bs.schema == nil {
		return nil // the media type documents no schema
	}
	inst, err := decodeBody(body)
	if err == nil {
		err = bs.schema.Validate(inst)
	}
	if err != nil {
		se := asSchemaError(strings.TrimSuffix(bs.where, ".json"), inst, err)
		se.Message = readableMessage(se.Message)
		return &bodyError{where: bs.where, se: se}
	}
	return nil
}

// bodyError is a body that does not parse or does not match its schema. It
// reads as "body: " and the [*SchemaError] text, "body: envelope.json:
// /keys/bob#b.test: ...", with the document location in place of the
// file name for a schema written inside an OpenAPI document.
type bodyError struct {
	where string // the schema file name with ".json", or the document location
	se    *SchemaError
}

func (e *bodyError) Error() string {
	loc := e.se.Pointer
	if loc == "" {
		loc = "(root)"
	}
	return fmt.Sprintf("body: %s: %s: %s", e.where, loc, e.se.Message)
}

// Unwrap returns the [*SchemaError].
func (e *bodyError) Unwrap() error { return e.se }

// checkEmpty refuses a body where none is documented.
func checkEmpty(what string, body []byte) error {
	if len(body) > 0 {
		return fmt.Errorf("body: %s, got %d bytes", what, len(body))
	}
	return nil
}
