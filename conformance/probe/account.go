package probe

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"

	"github.com/emsg-project/emsg/reference/protocol/account"
	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/envelope"
	"github.com/emsg-project/emsg/reference/protocol/keys"
)

// Account is an account the probe registered: its identity (private
// keys), and its bearer token once logged in.
type Account struct {
	P     *Probe
	ID    *keys.Identity
	Addr  address.Address
	Token string
}

// FreshLocal returns a local part no earlier run used: prefix, a dash and
// random hex, so parallel specs and repeated runs never collide.
func FreshLocal(prefix string) string {
	var b [5]byte
	_, _ = rand.Read(b[:])
	return prefix + "-" + hex.EncodeToString(b[:])
}

// NewIdentity makes a new identity for local#domain without registering it.
func (p *Probe) NewIdentity(local, domain string) (*keys.Identity, error) {
	addr, err := address.ParseCanonical(local + "#" + domain)
	if err != nil {
		return nil, fmt.Errorf("identity: %w", err)
	}
	return keys.NewIdentity(p.Deps, addr)
}

// Register registers a fresh account named after prefix on domain and
// logs it in. The Response is the registration's answer.
func (p *Probe) Register(ctx context.Context, domain, prefix string) (*Account, error) {
	id, err := p.NewIdentity(FreshLocal(prefix), domain)
	if err != nil {
		return nil, err
	}
	resp, err := p.registerAnyway(ctx, id)
	if err != nil {
		return nil, err
	}
	if resp.Status != http.StatusCreated {
		return nil, fmt.Errorf("register %s: got %s, want 201", id.Address(), resp)
	}
	a := &Account{P: p, ID: id, Addr: id.Address()}
	if err := a.Login(ctx); err != nil {
		return nil, err
	}
	return a, nil
}

// RegisterIdentity sends POST /register with id's bundle (and invite, if
// not empty) and returns the answer, whatever it is.
func (p *Probe) RegisterIdentity(ctx context.Context, id *keys.Identity, invite string) (*Response, error) {
	body := map[string]any{"bundle": id.Bundle()}
	if invite != "" {
		body["invite"] = invite
	}
	return p.JSON(ctx, "POST", id.Address().Domain, "/emsg/v1/register", nil, body)
}

// Challenge asks for a login challenge for addr and returns its bytes.
func (p *Probe) Challenge(ctx context.Context, addr address.Address) ([]byte, *Response, error) {
	resp, err := p.JSON(ctx, "POST", addr.Domain, "/emsg/v1/login/challenge", nil, map[string]any{"address": addr})
	if err != nil {
		return nil, nil, err
	}
	var ch struct {
		Challenge string `json:"challenge"`
	}
	if resp.Status != http.StatusOK {
		return nil, resp, nil
	}
	if err := resp.Decode(&ch); err != nil {
		return nil, resp, err
	}
	raw, err := decodeB64(ch.Challenge)
	return raw, resp, err
}

// Login signs a fresh challenge and keeps the token.
func (a *Account) Login(ctx context.Context) error {
	ch, resp, err := a.P.Challenge(ctx, a.Addr)
	if err != nil {
		return fmt.Errorf("login %s: %w", a.Addr, err)
	}
	if ch == nil {
		return fmt.Errorf("login %s: challenge: got %s, want 200", a.Addr, resp)
	}
	proof, err := account.NewLoginProof(a.P.Deps, a.Addr, a.ID.SignKey(), ch, a.Addr.Domain)
	if err != nil {
		return fmt.Errorf("login %s: %w", a.Addr, err)
	}
	resp, err = a.P.JSON(ctx, "POST", a.Addr.Domain, "/emsg/v1/login", nil, map[string]any{"proof": proof})
	if err != nil {
		return fmt.Errorf("login %s: %w", a.Addr, err)
	}
	var tok struct {
		Token string `json:"token"`
	}
	if resp.Status != http.StatusOK {
		return fmt.Errorf("login %s: got %s, want 200", a.Addr, resp)
	}
	if err := resp.Decode(&tok); err != nil {
		return err
	}
	a.Token = tok.Token
	return nil
}

// Auth is the Authorization header of the account's token.
func (a *Account) Auth() http.Header {
	return http.Header{"Authorization": {"Bearer " + a.Token}}
}

// Call sends an authenticated JSON request to the account's own server.
func (a *Account) Call(ctx context.Context, method, path string, body any) (*Response, error) {
	return a.P.JSON(ctx, method, a.Addr.Domain, path, a.Auth(), body)
}

// Raw sends an authenticated request with exact body bytes, marked
// malformed: only the server's side is validated.
func (a *Account) Raw(ctx context.Context, method, path, contentType string, body []byte) (*Response, error) {
	h := a.Auth()
	if contentType != "" {
		h.Set("Content-Type", contentType)
	}
	return a.P.Do(ctx, Request{Method: method, Domain: a.Addr.Domain, Path: path, Header: h, Body: body, Malformed: true})
}

// Seal builds a text envelope from the account to the recipient bundle.
func (a *Account) Seal(to keys.Bundle, text string) (*envelope.Envelope, error) {
	env, _, err := envelope.Seal(a.P.Deps, a.ID, to.Address,
		map[address.Address]*[32]byte{to.Address: to.BoxPublic()}, envelope.TextBody(text), envelope.Options{})
	if err != nil {
		return nil, fmt.Errorf("seal to %s: %w", to.Address, err)
	}
	return env, nil
}

// Send seals text to the recipient and POSTs it to /messages.
func (a *Account) Send(ctx context.Context, to keys.Bundle, text string) (*envelope.Envelope, *Response, error) {
	env, err := a.Seal(to, text)
	if err != nil {
		return nil, nil, err
	}
	resp, err := a.Call(ctx, "POST", "/emsg/v1/messages", env)
	return env, resp, err
}

// Bundle is the account's current bundle.
func (a *Account) Bundle() keys.Bundle { return a.ID.Bundle() }

// PathOf escapes an address for a URL path segment ("#" as "%23").
func PathOf(addr address.Address) string {
	s, _ := addr.MarshalText()
	return url.PathEscape(string(s))
}

// MarshalObject encodes v as JSON, for specs that edit an object's members.
func MarshalObject(v any) (map[string]any, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var m map[string]any
	return m, dec.Decode(&m)
}
