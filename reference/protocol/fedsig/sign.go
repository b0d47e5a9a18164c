package fedsig

import (
	"crypto/ed25519"
	"fmt"
	"net/http"

	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// Sign signs a federation request from server origin to server destination
// and returns the Authorization header value ([SchemeFederation]). The
// timestamp is deps.Now; target is the request-target exactly as it will be
// sent and body the exact body bytes (nil when there is none).
func Sign(deps wire.Deps, key ServerKey, method, target, origin, destination string, body []byte) (string, error) {
	p, err := sign(deps, key, SchemeFederation, method, target, origin, destination, body)
	if err != nil {
		return "", fmt.Errorf("sign federation request: %w", err)
	}
	return p.Header(), nil
}

// SignAdmin signs an admin API request with an operator key and returns the
// Authorization header value ([SchemeAdmin], origin [AdminOrigin]).
func SignAdmin(deps wire.Deps, key ServerKey, method, target, destination string, body []byte) (string, error) {
	p, err := sign(deps, key, SchemeAdmin, method, target, AdminOrigin, destination, body)
	if err != nil {
		return "", fmt.Errorf("sign admin request: %w", err)
	}
	return p.Header(), nil
}

// SignRequest signs r as a federation request and sets its Authorization
// header. body must be the exact bytes r will send; the target is
// r.URL.RequestURI(), which is what net/http writes on the request line.
func SignRequest(deps wire.Deps, key ServerKey, origin, destination string, r *http.Request, body []byte) error {
	h, err := Sign(deps, key, r.Method, r.URL.RequestURI(), origin, destination, body)
	if err != nil {
		return err
	}
	r.Header.Set("Authorization", h)
	return nil
}

// SignAdminRequest signs r as an admin request and sets its Authorization
// header, like [SignRequest].
func SignAdminRequest(deps wire.Deps, key ServerKey, destination string, r *http.Request, body []byte) error {
	h, err := SignAdmin(deps, key, r.Method, r.URL.RequestURI(), destination, body)
	if err != nil {
		return err
	}
	r.Header.Set("Authorization", h)
	return nil
}

// sign checks the parameters a signer chooses, so that a signer never emits
// a header its peers must reject, then signs the request.
func sign(deps wire.Deps, key ServerKey, scheme, method, target, origin, destination string, body []byte) (Params, error) {
	if len(key.Private) != ed25519.PrivateKeySize {
		return Params{}, wire.Errorf(wire.BadKey, "key", "private key has %d bytes, want %d", len(key.Private), ed25519.PrivateKeySize)
	}
	p := Params{Scheme: scheme, Origin: origin, Destination: destination, Key: key.ID, TS: deps.Millis()}
	if err := p.check(); err != nil {
		return Params{}, err
	}
	in, err := SigningInput(method, target, origin, destination, key.ID, p.TS, body)
	if err != nil {
		return Params{}, err
	}
	p.Sig = ed25519.Sign(key.Private, in)
	return p, nil
}
