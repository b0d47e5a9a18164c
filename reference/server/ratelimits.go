package server

import (
	"context"
	"net/http"
	"time"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/server/config"
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
	defaults                              policy.Policy // the configuration's limits
}

// newRateLimits builds the limits in force under the policy p, on the
// clock now; cfg gives those p does not name.
func newRateLimits(cfg config.Config, p policy.Policy, now func() time.Time) rateLimits {
	l := rateLimits{
		register:   ratelimit.New("registrations from this address", 0, now),
		login:      ratelimit.New("logins from this address", 0, now),
		messages:   ratelimit.New("messages from this account", 0, now),
		federation: ratelimit.New("transactions from this origin", 0, now),
		defaults:   policy.FromConfig(cfg),
	}
	l.apply(p)
	return l
}

// apply follows a policy: each limit it names changes at once; a limit it
// does not name is the configuration's (EMSG_RATE_*).
func (l rateLimits) apply(p policy.Policy) {
	for name, lim := range map[string]*ratelimit.Limiter{
		policy.RateRegister: l.register, policy.RateLogin: l.login,
		policy.RateMessages: l.messages, policy.RateFederation: l.federation,
	} {
		n, ok := p.Rate(name)
		if !ok {
			n, _ = l.defaults.Rate(name)
		}
		lim.SetPerMinute(n)
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
