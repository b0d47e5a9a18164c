package suites

import (
	"encoding/json"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/emsg-project/emsg/conformance/probe"
	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// The specs of this file change a domain's policy, which applies to every
// request of that domain (other specs' registrations included): they are
// Serial, and SetPolicy puts the policy back when each ends. Those that
// expect a policy refused put it back too, in case it was not.

// discoveryOf reads domain's discovery document.
func (w *World) discoveryOf(ctx SpecContext, domain string) (registration string, limits map[string]json.Number) {
	GinkgoHelper()
	r, err := w.P.JSON(ctx, "GET", domain, "/.well-known/emsg", nil, nil)
	Expect(err).NotTo(HaveOccurred())
	ExpectStatus(r, 200)
	var doc struct {
		Registration string                 `json:"registration"`
		Limits       map[string]json.Number `json:"limits"`
	}
	Expect(r.Decode(&doc)).To(Succeed())
	return doc.Registration, doc.Limits
}

// expectPolicyRefused puts policy p on domain, expects error code and
// that the policy in force did not change.
func (w *World) expectPolicyRefused(ctx SpecContext, domain string, edit func(p map[string]any), code string) {
	GinkgoHelper()
	key := w.Operator(ctx, domain)
	before := w.Policy(ctx, key, domain)
	DeferCleanup(func(ctx SpecContext) { w.Admin(ctx, key, domain, "PUT", adminPolicy, before) })
	p := decodeObject(mustJSON(before))
	edit(p)
	ExpectError(w.Admin(ctx, key, domain, "PUT", adminPolicy, p), code)
	Expect(w.Policy(ctx, key, domain)).To(Equal(before), "a refused policy changes nothing")
}

var _ = Describe("Admin policy", Serial, func() {
	Conformance(Core, "refuses a policy whose default_ttl is above its max_ttl with bad_request and keeps the one in force", Reqs("ADMIN-POLICY-01"), func(ctx SpecContext, w *World) {
		w.expectPolicyRefused(ctx, w.A(), func(p map[string]any) {
			p["max_ttl"], p["default_ttl"] = 3600, 3601
		}, "bad_request")
	})

	Conformance(Core, "refuses a policy whose auto_join names a group it does not host with not_found and keeps the one in force", Reqs("ADMIN-POLICY-03"), func(ctx SpecContext, w *World) {
		By("a group that does not exist")
		w.expectPolicyRefused(ctx, w.A(), func(p map[string]any) {
			p["auto_join"] = []string{probe.FreshLocal("nosuch") + "#" + w.A()}
		}, "not_found")
		if w.Features(ctx, w.B())["groups"] {
			By("a group of another server")
			owner := w.Register(ctx, w.B(), "owner")
			g := w.NewGroup(ctx, owner, "Elsewhere")
			w.expectPolicyRefused(ctx, w.A(), func(p map[string]any) { p["auto_join"] = []string{g.String()} }, "not_found")
		}
	})

	Conformance(Core, "applies an accepted policy to the next request and to its discovery document", Reqs("ADMIN-POLICY-02"), func(ctx SpecContext, w *World) {
		key := w.Operator(ctx, w.A())
		inForce := w.SetPolicy(ctx, key, w.A(), func(p map[string]any) {
			p["registration"], p["max_ttl"], p["default_ttl"] = "invite", 7200, 3600
		})
		Expect(inForce).To(HaveKeyWithValue("registration", "invite"))
		Expect(inForce).To(HaveKeyWithValue("max_ttl", json.Number("7200")))
		Expect(w.Policy(ctx, key, w.A())).To(Equal(inForce), "GET /admin/policy reads the policy in force")

		By("the discovery document follows at once")
		registration, limits := w.discoveryOf(ctx, w.A())
		Expect(registration).To(Equal("invite"))
		Expect(limits).To(HaveKeyWithValue("max_ttl", json.Number("7200")))
		Expect(limits).To(HaveKeyWithValue("default_ttl", json.Number("3600")))

		By("the next registration needs an invite")
		id, err := w.P.NewIdentity(probe.FreshLocal("late"), w.A())
		Expect(err).NotTo(HaveOccurred())
		r, err := w.P.RegisterIdentity(ctx, id, "")
		Expect(err).NotTo(HaveOccurred())
		ExpectError(r, "forbidden")
	})
})

var _ = Describe("Registration by invitation", Serial, func() {
	Conformance(Core, "registers with an invite token once, and refuses a registration without one, with an unknown one or with a used one", Reqs("ACCT-INVITE-01", "ACCT-INVITE-02"), func(ctx SpecContext, w *World) {
		key := w.Operator(ctx, w.A())
		w.SetPolicy(ctx, key, w.A(), func(p map[string]any) { p["registration"] = "invite" })
		first, err := w.P.NewIdentity(probe.FreshLocal("invited"), w.A())
		Expect(err).NotTo(HaveOccurred())
		register := func(invite string) *probe.Response {
			GinkgoHelper()
			r, err := w.P.RegisterIdentity(ctx, first, invite)
			Expect(err).NotTo(HaveOccurred())
			return r
		}
		By("no invite token")
		ExpectError(register(""), "forbidden")
		By("a token the server never issued")
		ExpectError(register(wire.EncodeBytes(make([]byte, 32))), "forbidden")

		By("an invite token registers one account")
		invite, err := w.mintInvite(ctx, w.A())
		Expect(err).NotTo(HaveOccurred())
		ExpectStatus(register(invite), 201)
		a := &probe.Account{P: w.P, ID: first, Addr: first.Address()}
		Expect(a.Login(ctx)).To(Succeed(), "the invited account logs in")

		By("the same token again, for another account")
		second, err := w.P.NewIdentity(probe.FreshLocal("second"), w.A())
		Expect(err).NotTo(HaveOccurred())
		r, err := w.P.RegisterIdentity(ctx, second, invite)
		Expect(err).NotTo(HaveOccurred())
		ExpectError(r, "forbidden")
		By("the refused account was not created: it registers with a token of its own")
		fresh, err := w.mintInvite(ctx, w.A())
		Expect(err).NotTo(HaveOccurred())
		r, err = w.P.RegisterIdentity(ctx, second, fresh)
		Expect(err).NotTo(HaveOccurred())
		ExpectStatus(r, 201)
	})
})
