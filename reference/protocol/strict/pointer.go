package strict

import (
	"errors"
	"strconv"
	"strings"

	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// Pointer appends one member name or array index to a JSON Pointer
// (RFC 6901), escaping "~" and "/".
func Pointer(where, name string) string {
	name = strings.ReplaceAll(strings.ReplaceAll(name, "~", "~0"), "/", "~1")
	return where + "/" + name
}

// Index is [Pointer] for an array element.
func Index(where string, i int) string { return where + "/" + strconv.Itoa(i) }

// At reports err, from a lower layer that knows no member names, as a
// failure of the member at field. The defect and the cause are kept (a bad
// address stays [wire.BadAddress] with its grammar reason underneath); the
// lower layer's own field leads the message; an error without a defect
// becomes [wire.Malformed].
func At(field string, err error) error {
	if err == nil {
		return nil
	}
	var e *wire.Error
	if !errors.As(err, &e) {
		return wire.Wrap(wire.Malformed, field, err)
	}
	msg := e.Msg
	if e.Field != "" {
		msg = e.Field + ": " + msg
	}
	return &wire.Error{Defect: e.Defect, Field: field, Msg: msg, Err: err}
}
