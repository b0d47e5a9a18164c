package fedsig

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"net/http"
	"time"

	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// MaxSkew is how far a request's ts may lie from the receiver's clock, in
// either direction. A difference of exactly MaxSkew is accepted.
const MaxSkew = 5 * time.Minute

// Verifier checks the signed requests arriving at one server. The zero
// Scheme means [SchemeFederation]; the admin API sets [SchemeAdmin].
type Verifier struct {
	Scheme string    // the scheme this endpoint accepts
	Self   string    // this server's domain: the only destination accepted
	Keys   KeyLookup // the origins' published keys
}

// Verify checks a federation request addressed to self and returns its
// checked parameters. It is [Verifier.Verify] with [SchemeFederation].
func Verify(ctx context.Context, now time.Time, header, method, target string, body []byte, self string, keys KeyLookup) (Params, error) {
	return Verifier{Scheme: SchemeFederation, Self: self, Keys: keys}.Verify(ctx, now, header, method, target, body)
}

// Verify checks one request: header is the Authorization value, method and
// target the request line, body the exact body bytes, now the receiver's
// clock. The checks run in this order and the first failure is returned, so
// an input with several defects reports exactly one:
//
//  1. the header parses ([ParseAuthorization]) and names v.Scheme, the
//     method is upper-case and the target origin-form ([SigningInput]): malformed;
//  2. destination equals v.Self: wrong_destination;
//  3. |now - ts| <= [MaxSkew]: clock_skew;
//  4. the origin publishes the key: unknown_key (bad_key if it is not 32 bytes);
//  5. the signature verifies over [SigningInput]: bad_signature.
//
// The cheap local checks come first so that a stale or misdirected request
// never triggers a key fetch from its claimed origin. The header carries no
// digest: the receiver computes it from the body, so a modified body (or
// method, or target) is reported as bad_signature.
func (v Verifier) Verify(ctx context.Context, now time.Time, header, method, target string, body []byte) (Params, error) {
	p, err := v.verify(ctx, now, header, method, target, body)
	if err != nil {
		return Params{}, fmt.Errorf("verify request: %w", err)
	}
	return p, nil
}

// VerifyRequest verifies r as received by a net/http server: its single
// Authorization header, its method and its raw request-target
// (r.RequestURI). body must be the body bytes already read from r.
func (v Verifier) VerifyRequest(ctx context.Context, now time.Time, r *http.Request, body []byte) (Params, error) {
	hs := r.Header.Values("Authorization")
	if len(hs) != 1 {
		return Params{}, fmt.Errorf("verify request: %w",
			wire.Errorf(wire.Malformed, "authorization", "got %d Authorization headers, want 1", len(hs)))
	}
	target := r.RequestURI
	if target == "" {
		target = r.URL.RequestURI()
	}
	return v.Verify(ctx, now, hs[0], r.Method, target, body)
}

func (v Verifier) verify(ctx context.Context, now time.Time, header, method, target string, body []byte) (Params, error) {
	p, err := parseHeader(header)
	if err != nil {
		return Params{}, err
	}
	if err := v.checkScheme(p); err != nil {
		return Params{}, err
	}
	if err := checkRequestLine(method, target); err != nil {
		return Params{}, err
	}
	if p.Destination != v.Self {
		return Params{}, wire.Errorf(wire.WrongDestination, "destination", "request is for %q, this server is %q", p.Destination, v.Self)
	}
	if err := CheckSkew(now, p.TS); err != nil {
		return Params{}, err
	}
	pub, err := Lookup(ctx, v.Keys, p.Origin, p.Key)
	if err != nil {
		return Params{}, err
	}
	in, err := SigningInput(method, target, p.Origin, p.Destination, p.Key, p.TS, body)
	if err != nil {
		return Params{}, err
	}
	if !ed25519.Verify(pub, in, p.Sig) {
		return Params{}, wire.Errorf(wire.BadSignature, "sig", "signature by %s of %s does not verify", p.Key, p.Origin)
	}
	return p, nil
}

func (v Verifier) checkScheme(p Params) error {
	want := v.Scheme
	if want == "" {
		want = SchemeFederation
	}
	if p.Scheme != want {
		return wire.Errorf(wire.Malformed, "scheme", "got scheme %s, this endpoint accepts %s", p.Scheme, want)
	}
	return nil
}

// CheckSkew reports a [wire.ClockSkew] error when ts lies more than
// [MaxSkew] before or after now (whole milliseconds; exactly MaxSkew passes).
func CheckSkew(now time.Time, ts wire.Millis) error {
	d := int64(wire.ToMillis(now)) - int64(ts)
	limit := MaxSkew.Milliseconds()
	if d > limit || d < -limit {
		return wire.Errorf(wire.ClockSkew, "ts", "ts %d is %d ms from now %d; at most %d allowed", ts, d, wire.ToMillis(now), limit)
	}
	return nil
}
