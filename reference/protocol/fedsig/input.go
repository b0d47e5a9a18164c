package fedsig

import (
	"crypto/sha256"
	"fmt"

	"github.com/emsg-project/emsg/reference/protocol/canonical"
	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// signedRequest is the object whose JCS encoding is signed. It never travels:
// the receiver rebuilds it from the request line, the header and the body.
type signedRequest struct {
	Method      string      `json:"method"`
	Target      string      `json:"target"`
	Origin      string      `json:"origin"`
	Destination string      `json:"destination"`
	Key         string      `json:"key"`
	TS          wire.Millis `json:"ts"`
	Digest      string      `json:"digest"`
}

// Digest returns the body digest that is signed: the unpadded base64url
// SHA-256 of the exact body bytes (of the empty string when there is no body).
func Digest(body []byte) string {
	sum := sha256.Sum256(body)
	return wire.EncodeBytes(sum[:])
}

// SigningInput returns the bytes an EMSG-Federation or EMSG-Admin signature
// covers: the RFC 8785 (JCS) encoding of
//
//	{"method":..,"target":..,"origin":..,"destination":..,"key":..,"ts":<int>,"digest":..}
//
// method is the upper-case request method; target is the request-target as
// sent on the request line (path, then "?query" if any, percent-encoding
// untouched). A lower-case method or a target that does not start with "/"
// or holds a byte outside visible ASCII is [wire.Malformed].
func SigningInput(method, target, origin, destination, key string, ts wire.Millis, body []byte) ([]byte, error) {
	if err := checkRequestLine(method, target); err != nil {
		return nil, fmt.Errorf("signing input: %w", err)
	}
	in, err := canonical.Marshal(signedRequest{
		Method: method, Target: target, Origin: origin, Destination: destination,
		Key: key, TS: ts, Digest: Digest(body),
	})
	if err != nil {
		return nil, fmt.Errorf("signing input: %w", err)
	}
	return in, nil
}

// checkRequestLine checks the method and the target.
func checkRequestLine(method, target string) error {
	if err := checkMethod(method); err != nil {
		return err
	}
	return checkTarget(target)
}

// checkMethod accepts an upper-case method name: 1 to 32 of [A-Z].
func checkMethod(m string) error {
	if m == "" || len(m) > 32 {
		return wire.Errorf(wire.Malformed, "method", "method must be 1 to 32 upper-case letters, got %.40q", m)
	}
	for i := 0; i < len(m); i++ {
		if m[i] < 'A' || m[i] > 'Z' {
			return wire.Errorf(wire.Malformed, "method", "method must be upper-case letters, got %.40q", m)
		}
	}
	return nil
}

// checkTarget accepts an origin-form request-target: "/" then visible ASCII
// other than '"' and '\' (neither may appear unescaped in a URI).
func checkTarget(t string) error {
	if len(t) == 0 || t[0] != '/' {
		return wire.Errorf(wire.Malformed, "target", "target must start with \"/\", got %.80q", t)
	}
	for i := 0; i < len(t); i++ {
		if c := t[i]; c <= ' ' || c > '~' || c == '"' || c == '\\' {
			return wire.Errorf(wire.Malformed, "target", "byte %#02x is not allowed in a request-target", c)
		}
	}
	return nil
}
