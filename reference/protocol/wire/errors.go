package wire

import (
	"errors"
	"fmt"
)

// Defect names, in one word, why the protocol library rejected an input. The
// test vectors carry the expected defect of every invalid case, so the list is
// part of the specification (spec/errors.yaml maps each to a wire error code).
type Defect string

// The defects of EMSG/1 objects.
const (
	BadAddress         Defect = "bad_address"         // an address breaks the address grammar
	BadEncoding        Defect = "bad_encoding"        // bad base64url, bad JSON, a number out of range
	Malformed          Defect = "malformed"           // a field is missing, unknown, or of the wrong type
	BadKey             Defect = "bad_key"             // a key has the wrong length or is a low-order point
	BadSignature       Defect = "bad_signature"       // a signature does not verify
	BadChain           Defect = "bad_chain"           // a rotated key bundle's prev link does not verify
	DecryptFailed      Defect = "decrypt_failed"      // a wrapped key or payload does not authenticate
	NotARecipient      Defect = "not_a_recipient"     // the envelope carries no key for this reader
	RoutingMismatch    Defect = "routing_mismatch"    // outer envelope fields differ from the signed inner ones
	Expired            Defect = "expired"             // a ticket, token or envelope is past its expiry
	ClockSkew          Defect = "clock_skew"          // a signed timestamp is outside the accepted window
	WrongDestination   Defect = "wrong_destination"   // a federation request is addressed to another server
	UnknownKey         Defect = "unknown_key"         // a signature names a key the verifier does not know
	TooLarge           Defect = "too_large"           // an object exceeds its size limit
	UnsupportedVersion Defect = "unsupported_version" // a version field this implementation does not speak
)

// Error is a rejected input: the defect, the field it was found in (a JSON
// pointer-like path, empty when it concerns the whole object) and a message
// for people.
type Error struct {
	Defect Defect
	Field  string
	Msg    string
	Err    error // the underlying cause, if any
}

// Errorf returns an [*Error] with a formatted message.
func Errorf(d Defect, field, format string, args ...any) *Error {
	return &Error{Defect: d, Field: field, Msg: fmt.Sprintf(format, args...)}
}

// Wrap returns an [*Error] for defect d caused by err.
func Wrap(d Defect, field string, err error) *Error {
	return &Error{Defect: d, Field: field, Msg: err.Error(), Err: err}
}

func (e *Error) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("%s: %s", e.Defect, e.Msg)
	}
	return fmt.Sprintf("%s: %s: %s", e.Defect, e.Field, e.Msg)
}

func (e *Error) Unwrap() error { return e.Err }

// Is makes errors.Is(err, wire.BadSignature) work for any *Error of that defect.
func (e *Error) Is(target error) bool {
	d, ok := target.(Defect)
	return ok && d == e.Defect
}

// Error lets a Defect be used as an errors.Is target.
func (d Defect) Error() string { return string(d) }

// DefectOf returns the defect of err, or "" when err is nil or not an [*Error].
func DefectOf(err error) Defect {
	var e *Error
	if errors.As(err, &e) {
		return e.Defect
	}
	return ""
}
