package probe

import (
	"context"
	"net/http"

	"github.com/emsg-project/emsg/reference/protocol/keys"
)

// InviteFunc returns a fresh invite token of domain (from its admin
// API), or an error when the probe cannot get one there.
type InviteFunc func(ctx context.Context, domain string) (string, error)

// registerAnyway sends POST /register for id and, when the server refuses
// it with forbidden while its discovery document says registration is by
// invitation, once more with a fresh invite token (Probe.Invites): so the
// suites' accounts register on a server that is invite-only, by its
// configuration or while a spec switched its policy (ACCT-INVITE-01). A
// forbidden under an open policy stands.
func (p *Probe) registerAnyway(ctx context.Context, id *keys.Identity) (*Response, error) {
	resp, err := p.RegisterIdentity(ctx, id, "")
	domain := id.Address().Domain
	if err != nil || resp.Status != http.StatusForbidden || p.Invites == nil || !p.inviteOnly(ctx, domain) {
		return resp, err
	}
	invite, ierr := p.Invites(ctx, domain)
	if ierr != nil {
		return resp, nil // the refusal stands
	}
	return p.RegisterIdentity(ctx, id, invite)
}

// inviteOnly reports whether domain's discovery document says its
// registration is by invitation.
func (p *Probe) inviteOnly(ctx context.Context, domain string) bool {
	r, err := p.JSON(ctx, "GET", domain, "/.well-known/emsg", nil, nil)
	if err != nil || r.Status != http.StatusOK {
		return false
	}
	var doc struct {
		Registration string `json:"registration"`
	}
	return r.Decode(&doc) == nil && doc.Registration == "invite"
}
