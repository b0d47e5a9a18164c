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
// it with forbidden and the probe can get invite tokens (Probe.Invites),
// once more with a fresh invite token: so the suites' accounts register
// on a server whose registration is by invitation, whether by its
// configuration or while a spec switched its policy (ACCT-INVITE-01).
func (p *Probe) registerAnyway(ctx context.Context, id *keys.Identity) (*Response, error) {
	resp, err := p.RegisterIdentity(ctx, id, "")
	if err != nil || resp.Status != http.StatusForbidden || p.Invites == nil {
		return resp, err
	}
	invite, ierr := p.Invites(ctx, id.Address().Domain)
	if ierr != nil {
		return resp, nil // the refusal stands
	}
	return p.RegisterIdentity(ctx, id, invite)
}
