package server

import (
	"context"
	"net/http"
	"time"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/server/httpapi"
	"github.com/emsg-project/emsg/reference/server/policy"
	"github.com/emsg-project/emsg/reference/server/ratelimit"
	"github.com/emsg-project/emsg/reference/server/stream"
)

// rateLimits are the server's rate limits (EMSG_RATE_*, LIMIT-RATE-02):
// registration and login per client network address, sending per account
// (POST /messages and stream send frames share one bucket), federation
// transactions per origin domain (applied by the inbox once the
// signature has proved the origin).
type rateLimits struct {
	register, login, messages, federation *ratelimit.Limiter
}

// newRateLimits builds the limits the policy p sets (at first the
// configuration's), on the clock now.
func newRateLimits(p policy.Policy, now func() time.Time) rateLimits {
	rate := func(name string) int { n, _ := p.Rate(name); return n }
	return rateLimits{
		register:   ratelimit.New("registrations from this address", rate(policy.RateRegister), now),
		login:      ratelimit.New("logins from this address", rate(policy.RateLogin), now),
		messages:   ratelimit.New("messages from this account", rate(policy.RateMessages), now),
		federation: ratelimit.New("transactions from this origin", rate(policy.RateFederation), now),
	}
}

// apply follows a new policy: each limit it names changes at once; a
// limit it does not name stays as it was.
func (l rateLimits) apply(p policy.Policy) {
	for name, lim := range map[string]*ratelimit.Limiter{
		policy.RateRegister: l.register, policy.RateLogin: l.login,
		policy.RateMessages: l.messages, policy.RateFederation: l.federation,
	} {
		if n, ok := p.Rate(name); ok {
			lim.SetPerMinute(n)
		}
	}
}

// guard wraps the routes with the HTTP limits; auth names the account of
// a request (a request it refuses is not counted: its handler refuses it).
func (l rateLimits) guard(next http.Handler, auth func(*http.Request) (address.Address, error)) http.Handler {
	byAccount := func(r *http.Request) (string, bool) {
		a, err := auth(r)
		return a.String(), err == nil
	}
	return ratelimit.Guard(next,
		ratelimit.Rule{Method: http.MethodPost, Path: "/emsg/v1/register", Limiter: l.register, Key: ratelimit.ClientAddress},
		ratelimit.Rule{Method: http.MethodPost, Path: "/emsg/v1/login/challenge", Limiter: l.login, Key: ratelimit.ClientAddress},
		ratelimit.Rule{Method: http.MethodPost, Path: "/emsg/v1/login", Limiter: l.login, Key: ratelimit.ClientAddress},
		ratelimit.Rule{Method: http.MethodPost, Path: "/emsg/v1/messages", Limiter: l.messages, Key: byAccount},
	)
}

// sender applies the per-account message limit to stream send frames.
func (l rateLimits) sender(send stream.Sender) stream.Sender {
	return func(ctx context.Context, from address.Address, envelope []byte) (int, string, error) {
		if err := l.messages.Allow(from.String()); err != nil {
			return httpapi.AsError(err).Status(), "", err
		}
		return send(ctx, from, envelope)
	}
}
