package fedsig

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// The two authentication schemes that share this signature format.
const (
	SchemeFederation = "EMSG-Federation" // server-to-server requests
	SchemeAdmin      = "EMSG-Admin"      // operator requests to the admin API
)

// AdminOrigin is the origin of every [SchemeAdmin] request: the operator is
// not a server, so it has no domain.
const AdminOrigin = "admin"

// sigSize is the length of an Ed25519 signature.
const sigSize = 64

// Params are the parameters of a signed request's Authorization header.
// [ParseAuthorization] returns them checked; [Params.Header] writes them in
// the one canonical form.
type Params struct {
	Scheme      string      // SchemeFederation or SchemeAdmin
	Origin      string      // the signing server's domain, or AdminOrigin
	Destination string      // the receiving server's domain
	Key         string      // the signing key's id, "ed25519:<name>"
	TS          wire.Millis // when the request was signed
	Sig         wire.Bytes  // 64-byte Ed25519 signature over [SigningInput]
}

// paramNames lists the parameters in canonical order; each must appear
// exactly once.
var paramNames = []string{"origin", "destination", "key", "ts", "sig"}

// Header returns the canonical header value: the scheme, one space, then the
// five parameters in the order origin, destination, key, ts, sig, separated
// by a bare ",".
func (p Params) Header() string {
	return fmt.Sprintf(`%s origin="%s",destination="%s",key="%s",ts="%d",sig="%s"`,
		p.Scheme, p.Origin, p.Destination, p.Key, p.TS, wire.EncodeBytes(p.Sig))
}

// ParseAuthorization parses an Authorization header value of either scheme.
// It follows the credentials grammar of RFC 9110 section 11.4 where that
// grammar binds recipients, and is strict everywhere else:
//
//   - the scheme and the parameter names match case-insensitively (RFC 9110);
//     spaces and tabs may surround "," and "=" (OWS and BWS);
//   - the scheme is followed by at least one space; the value has no leading
//     or trailing white space (HTTP strips it before the value is seen);
//   - each of origin, destination, key, ts, sig appears exactly once; an
//     unknown parameter, a duplicate or an empty list element is rejected;
//   - every value is a quoted-string without backslash escapes;
//   - ts is a decimal integer without sign or leading zeros, at most 2^53-1;
//   - origin and destination are domains already in canonical (lower-case)
//     form, except that an EMSG-Admin origin is exactly "admin";
//   - key is a key id ([CheckKeyID]); sig is 64 bytes of unpadded base64url.
//
// Every failure is a [wire.Malformed] error naming the offending parameter.
func ParseAuthorization(header string) (Params, error) {
	p, err := parseHeader(header)
	if err != nil {
		return Params{}, fmt.Errorf("parse authorization: %w", err)
	}
	return p, nil
}

func parseHeader(header string) (Params, error) {
	if strings.Trim(header, " \t") != header {
		return Params{}, wire.Errorf(wire.Malformed, "", "leading or trailing white space")
	}
	name, rest, ok := strings.Cut(header, " ")
	if !ok {
		return Params{}, wire.Errorf(wire.Malformed, "scheme", "no parameters after the scheme")
	}
	scheme, err := parseScheme(name)
	if err != nil {
		return Params{}, err
	}
	values, err := scanParams(strings.TrimLeft(rest, " "))
	if err != nil {
		return Params{}, err
	}
	return buildParams(scheme, values)
}

func parseScheme(name string) (string, error) {
	for _, s := range []string{SchemeFederation, SchemeAdmin} {
		if strings.EqualFold(name, s) {
			return s, nil
		}
	}
	return "", wire.Errorf(wire.Malformed, "scheme", "unknown scheme %.40q", name)
}

// buildParams checks and converts the raw values, in canonical order.
func buildParams(scheme string, values map[string]string) (Params, error) {
	for _, n := range paramNames {
		if _, ok := values[n]; !ok {
			return Params{}, wire.Errorf(wire.Malformed, n, "missing parameter")
		}
	}
	p := Params{Scheme: scheme, Origin: values["origin"], Destination: values["destination"], Key: values["key"]}
	ts, err := parseTS(values["ts"])
	if err != nil {
		return Params{}, err
	}
	p.TS = ts
	sig, err := parseSig(values["sig"])
	if err != nil {
		return Params{}, err
	}
	p.Sig = sig
	return p, p.check()
}

// check validates the fields a signer chooses: scheme, origin, destination
// and key.
func (p Params) check() error {
	switch p.Scheme {
	case SchemeFederation:
		if err := checkDomain("origin", p.Origin); err != nil {
			return err
		}
	case SchemeAdmin:
		if p.Origin != AdminOrigin {
			return wire.Errorf(wire.Malformed, "origin", "an %s origin must be %q, got %.80q", SchemeAdmin, AdminOrigin, p.Origin)
		}
	default:
		return wire.Errorf(wire.Malformed, "scheme", "unknown scheme %.40q", p.Scheme)
	}
	if err := checkDomain("destination", p.Destination); err != nil {
		return err
	}
	return CheckKeyID(p.Key)
}

// checkDomain accepts a domain only in the form it is signed in: valid and
// already lower-case, since the signature covers the string as sent.
func checkDomain(field, s string) error {
	d, err := address.ParseDomain(s)
	if err != nil {
		return wire.Wrap(wire.Malformed, field, err)
	}
	if d != s {
		return wire.Errorf(wire.Malformed, field, "domain %q is not in canonical form %q", s, d)
	}
	return nil
}

// parseTS reads a decimal integer: digits only, no leading zero (except
// "0" itself), at most 2^53-1.
func parseTS(s string) (wire.Millis, error) {
	if s == "" || len(s) > 16 || (len(s) > 1 && s[0] == '0') || strings.Trim(s, "0123456789") != "" {
		return 0, wire.Errorf(wire.Malformed, "ts", "%.40q is not a decimal integer without sign or leading zeros", s)
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n > wire.MaxSafeInteger {
		return 0, wire.Errorf(wire.Malformed, "ts", "%q exceeds 2^53-1", s)
	}
	return wire.Millis(n), nil
}

func parseSig(s string) (wire.Bytes, error) {
	b, err := wire.DecodeBytes(s)
	if err != nil {
		return nil, wire.Wrap(wire.Malformed, "sig", err)
	}
	if len(b) != sigSize {
		return nil, wire.Errorf(wire.Malformed, "sig", "got %d bytes, want %d", len(b), sigSize)
	}
	return b, nil
}
