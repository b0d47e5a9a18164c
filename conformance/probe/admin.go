package probe

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/emsg-project/emsg/reference/protocol/fedsig"
	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// AdminOptions break an admin request's authorization on purpose
// (ADMIN-AUTH-*, ADMIN-BEARER-01). The zero value signs the request
// correctly; any other value marks it malformed, so only the server's
// error answer is checked against spec/.
type AdminOptions struct {
	// Authorization is sent as it is instead of a signature.
	Authorization string
	// NoAuthorization sends no Authorization header at all.
	NoAuthorization bool
	// Origin is signed instead of "admin".
	Origin string
	// Destination is signed instead of the domain the request goes to.
	Destination string
	// KeyID is named instead of the operator key's id.
	KeyID string
	// SignWith signs instead of the operator key (under its id).
	SignWith ed25519.PrivateKey
	// Skew moves the signature's ts away from now.
	Skew time.Duration
	// SignedBody is what the signature covers instead of the body sent.
	SignedBody []byte
}

func (o AdminOptions) broken() bool {
	return o.Authorization != "" || o.NoAuthorization || o.Origin != "" || o.Destination != "" || o.KeyID != "" ||
		o.SignWith != nil || o.Skew != 0 || o.SignedBody != nil
}

// Admin sends an admin API request to domain signed with the operator
// key (scheme EMSG-Admin), body being the exact JSON bytes (nil for
// none), with the breakage opts describes.
func (p *Probe) Admin(ctx context.Context, key fedsig.ServerKey, method, domain, path string, body []byte, opts AdminOptions) (*Response, error) {
	header := http.Header{}
	if body != nil {
		header.Set("Content-Type", "application/json")
	}
	switch {
	case opts.Authorization != "":
		header.Set("Authorization", opts.Authorization)
	case !opts.NoAuthorization:
		h, err := p.adminAuthorization(key, method, domain, path, body, opts)
		if err != nil {
			return nil, err
		}
		header.Set("Authorization", h)
	}
	return p.Do(ctx, Request{Method: method, Domain: domain, Path: path, Header: header, Body: body, Malformed: opts.broken()})
}

// adminAuthorization signs the request as opts says: the signing input
// of fedsig, built by hand so that a spec can sign what a correct signer
// never would (another origin).
func (p *Probe) adminAuthorization(key fedsig.ServerKey, method, domain, path string, body []byte, opts AdminOptions) (string, error) {
	raw, err := p.Table.URL(domain, path)
	if err != nil {
		return "", fmt.Errorf("admin %s %s: %w", method, path, err)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("admin %s %s: %w", method, path, err)
	}
	params := fedsig.Params{Scheme: fedsig.SchemeAdmin, Origin: fedsig.AdminOrigin, Destination: domain, Key: key.ID,
		TS: wire.ToMillis(p.Deps.Now().Add(opts.Skew))}
	if opts.Origin != "" {
		params.Origin = opts.Origin
	}
	if opts.Destination != "" {
		params.Destination = opts.Destination
	}
	if opts.KeyID != "" {
		params.Key = opts.KeyID
	}
	signed, priv := body, key.Private
	if opts.SignedBody != nil {
		signed = opts.SignedBody
	}
	if opts.SignWith != nil {
		priv = opts.SignWith
	}
	in, err := fedsig.SigningInput(method, u.RequestURI(), params.Origin, params.Destination, params.Key, params.TS, signed)
	if err != nil {
		return "", fmt.Errorf("admin %s %s: %w", method, path, err)
	}
	params.Sig = ed25519.Sign(priv, in)
	return params.Header(), nil
}
