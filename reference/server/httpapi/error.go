package httpapi

import (
	"errors"
	"fmt"

	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/spec"
)

// Error is an error answer: a code from spec/errors.yaml, a message for
// people, and the members some codes carry.
type Error struct {
	Code       string `json:"error"`
	Message    string `json:"message"`
	RetryAfter int    `json:"retry_after,omitempty"` // rate_limited: seconds, at least 1
	MovedTo    string `json:"moved_to,omitempty"`    // moved: the new address
	// Wait is the Retry-After header of an unavailable answer, in seconds
	// (ERR-UNAVAILABLE-01); the body carries retry_after for rate_limited
	// only, so this one stays out of it.
	Wait int `json:"-"`
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Status is the HTTP status of the code; an unknown code is a bug in the
// server and answers 500.
func (e *Error) Status() int {
	if s, ok := spec.StatusOf(e.Code); ok {
		return s
	}
	return 500
}

// Errorf returns an Error with a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// AsError turns any error into the answer to send: an *Error as it is, a
// protocol-library failure by the code spec/errors.yaml maps its defect to,
// anything else as internal (its text is not sent: it may hold server
// details).
func AsError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	if d := wire.DefectOf(err); d != "" {
		if code, ok := spec.CodeForDefect(string(d)); ok {
			return &Error{Code: code, Message: err.Error()}
		}
	}
	return &Error{Code: "internal", Message: "the server failed; retry with the same idempotency key"}
}
