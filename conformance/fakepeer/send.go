package fakepeer

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/emsg-project/emsg/conformance/probe"
	"github.com/emsg-project/emsg/reference/protocol/fedsig"
	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// inboxPath is the federation inbox of every server.
const inboxPath = "/emsg/v1/federation/inbox"

// SendOptions break a transaction's signature on purpose. The zero value
// sends a correctly signed transaction.
type SendOptions struct {
	// SignWith signs with another key under the peer's published key id
	// (the signature does not verify: bad_signature).
	SignWith *fedsig.ServerKey
	// KeyID names an unpublished key id (unauthorized).
	KeyID string
	// Skew moves the signature's timestamp (beyond ±5 min: unauthorized).
	Skew time.Duration
	// SignedDestination is the destination written in the signature
	// (another domain: forbidden).
	SignedDestination string
	// NoAuthorization sends no Authorization header (unauthorized).
	NoAuthorization bool
	// Authorization replaces the header with this value (bad_request
	// when it does not parse).
	Authorization string
	// Tamper changes the body after signing (bad_signature).
	Tamper bool
}

// NewTxn returns a fresh transaction id.
func NewTxn() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return "fake-" + hex.EncodeToString(b[:])
}

// Transaction builds a transaction from the peer to destination with items
// (each encoded to JSON as given).
func (p *Peer) Transaction(destination string, items ...any) (Transaction, error) {
	t := Transaction{Origin: p.Domain, Destination: destination, Txn: NewTxn()}
	for _, it := range items {
		raw, err := json.Marshal(it)
		if err != nil {
			return t, fmt.Errorf("item: %w", err)
		}
		t.Items = append(t.Items, raw)
	}
	return t, nil
}

// Send posts t to its destination through pr (logged and validated as a
// federation exchange), signed as opts says.
func (p *Peer) Send(ctx context.Context, pr *probe.Probe, t Transaction, opts SendOptions) (*probe.Response, error) {
	body, err := json.Marshal(t)
	if err != nil {
		return nil, fmt.Errorf("transaction: %w", err)
	}
	return p.SendBody(ctx, pr, t.Destination, body, opts)
}

// SendBody posts exact body bytes to destination's inbox.
func (p *Peer) SendBody(ctx context.Context, pr *probe.Probe, destination string, body []byte, opts SendOptions) (*probe.Response, error) {
	auth, err := p.authorization(destination, body, opts)
	if err != nil {
		return nil, err
	}
	h := http.Header{"Content-Type": {"application/json"}}
	if auth != "" {
		h.Set("Authorization", auth)
	}
	if opts.Tamper {
		body = append(append([]byte{}, body[:len(body)-1]...), []byte(` `+"}")...)
	}
	broken := opts != (SendOptions{})
	return pr.Do(ctx, probe.Request{Method: "POST", Domain: destination, Path: inboxPath, Header: h, Body: body, Malformed: broken})
}

// authorization builds the Authorization header opts asks for.
func (p *Peer) authorization(destination string, body []byte, opts SendOptions) (string, error) {
	switch {
	case opts.NoAuthorization:
		return "", nil
	case opts.Authorization != "":
		return opts.Authorization, nil
	}
	key := p.Key
	if opts.SignWith != nil {
		key = fedsig.ServerKey{ID: p.Key.ID, Private: opts.SignWith.Private}
	}
	if opts.KeyID != "" {
		key.ID = opts.KeyID
	}
	signedDest := destination
	if opts.SignedDestination != "" {
		signedDest = opts.SignedDestination
	}
	deps := p.Deps
	if opts.Skew != 0 {
		deps = wire.Deps{Rand: p.Deps.Rand, Now: func() time.Time { return time.Now().Add(opts.Skew) }}
	}
	h, err := fedsig.Sign(deps, key, "POST", inboxPath, p.Domain, signedDest, body)
	if err != nil {
		return "", fmt.Errorf("sign: %w", err)
	}
	return h, nil
}

// Results decodes a 200 answer's per-item results.
func Results(r *probe.Response) ([]ItemResult, error) {
	var out struct {
		Results []ItemResult `json:"results"`
	}
	if err := r.Decode(&out); err != nil {
		return nil, err
	}
	return out.Results, nil
}

// ItemResult is the result of one item.
type ItemResult struct {
	Index  int    `json:"index"`
	Status string `json:"status"`
	Error  string `json:"error"`
}

// Get sends a signed GET of path to destination (federation key fetches).
func (p *Peer) Get(ctx context.Context, pr *probe.Probe, destination, path string) (*probe.Response, error) {
	h, err := fedsig.Sign(p.Deps, p.Key, "GET", path, p.Domain, destination, nil)
	if err != nil {
		return nil, fmt.Errorf("sign: %w", err)
	}
	return pr.Do(ctx, probe.Request{Method: "GET", Domain: destination, Path: path, Header: http.Header{"Authorization": {h}}})
}
