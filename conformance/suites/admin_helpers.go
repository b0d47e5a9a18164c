package suites

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/emsg-project/emsg/conformance/probe"
	"github.com/emsg-project/emsg/reference/protocol/fedsig"
)

// The admin API's paths (spec/openapi/admin.yaml).
const (
	adminAccounts = "/emsg/v1/admin/accounts"
	adminInvites  = "/emsg/v1/admin/invites"
	adminPolicy   = "/emsg/v1/admin/policy"
)

// operatorOf returns the run's operator key when the server of domain
// knows it (harness.Config.OperatorConfigured).
func operatorOf(domain string) (fedsig.ServerKey, bool) {
	if env == nil || !env.Config.OperatorConfigured(domain) {
		return fedsig.ServerKey{}, false
	}
	return env.Config.Operator.Key, true
}

// Operator returns the operator key of domain's server. It skips the
// spec when domain does not advertise admin (the admin statements bind
// the servers that do; the others answer the admin API with not_found,
// CONF-FEATURE-01) or when the run has no operator key for it (an
// external target whose operator gave none).
func (w *World) Operator(ctx context.Context, domain string) fedsig.ServerKey {
	GinkgoHelper()
	if !w.Features(ctx, domain)["admin"] {
		Skip(domain + " does not advertise admin")
	}
	key, ok := operatorOf(domain)
	if !ok {
		Skip("needs the operator key of " + domain + ": give its private half with --operator-key (EMSG_CONFORM_OPERATOR_KEY)")
	}
	return key
}

// Admin sends a correctly signed admin request to domain (body encoded
// as JSON, nil for none) and fails the spec if no answer came.
func (w *World) Admin(ctx context.Context, key fedsig.ServerKey, domain, method, path string, body any) *probe.Response {
	GinkgoHelper()
	var raw []byte
	if body != nil {
		raw = mustJSON(body)
	}
	return w.AdminWith(ctx, key, domain, method, path, raw, probe.AdminOptions{})
}

// AdminWith sends an admin request with exact body bytes, its
// authorization broken as opts says.
func (w *World) AdminWith(ctx context.Context, key fedsig.ServerKey, domain, method, path string, body []byte, opts probe.AdminOptions) *probe.Response {
	GinkgoHelper()
	r, err := w.P.Admin(ctx, key, method, domain, path, body, opts)
	Expect(err).NotTo(HaveOccurred(), "admin %s %s on %s", method, path, domain)
	return r
}

// mintInvite is the probe's InviteFunc: a fresh invite token from
// domain's admin API, when the run has its operator key.
func (w *World) mintInvite(ctx context.Context, domain string) (string, error) {
	key, ok := operatorOf(domain)
	if !ok {
		return "", fmt.Errorf("no operator key for %s", domain)
	}
	r, err := w.P.Admin(ctx, key, "POST", domain, adminInvites, nil, probe.AdminOptions{})
	if err != nil {
		return "", err
	}
	var inv struct {
		Token string `json:"token"`
	}
	if r.Status != 201 || r.Decode(&inv) != nil || inv.Token == "" {
		return "", fmt.Errorf("invite on %s: got %s", domain, r)
	}
	return inv.Token, nil
}

// Policy reads domain's policy (GET /admin/policy), numbers kept as
// written.
func (w *World) Policy(ctx context.Context, key fedsig.ServerKey, domain string) map[string]any {
	GinkgoHelper()
	r := w.Admin(ctx, key, domain, "GET", adminPolicy, nil)
	ExpectStatus(r, 200)
	return decodeObject(r.Body)
}

// SetPolicy puts domain's current policy changed by edit and expects it
// accepted; the policy it replaced is put back when the spec ends. A
// policy applies to every request of the domain, other specs'
// registrations included (ADMIN-POLICY-02), so a spec that calls it must
// be Serial: then no other spec runs meanwhile.
func (w *World) SetPolicy(ctx context.Context, key fedsig.ServerKey, domain string, edit func(p map[string]any)) map[string]any {
	GinkgoHelper()
	before := w.Policy(ctx, key, domain)
	DeferCleanup(func(ctx SpecContext) {
		ExpectStatus(w.Admin(ctx, key, domain, "PUT", adminPolicy, before), 200)
	})
	p := decodeObject(mustJSON(before))
	edit(p)
	r := w.Admin(ctx, key, domain, "PUT", adminPolicy, p)
	ExpectStatus(r, 200)
	return decodeObject(r.Body)
}

// decodeObject decodes a JSON object, numbers as json.Number.
func decodeObject(raw []byte) map[string]any {
	GinkgoHelper()
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var m map[string]any
	Expect(dec.Decode(&m)).To(Succeed(), "decode %s", raw)
	return m
}
