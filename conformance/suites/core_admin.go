package suites

import (
	"context"
	"strconv"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/emsg-project/emsg/conformance/probe"
	"github.com/emsg-project/emsg/reference/protocol/account"
	"github.com/emsg-project/emsg/reference/protocol/fedsig"
	"github.com/emsg-project/emsg/reference/protocol/keys"
	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// adminAccount is one entry of GET /admin/accounts.
type adminAccount struct {
	Address string `json:"address"`
	Status  string `json:"status"`
}

// adminStatus is the status GET /admin/accounts gives addr ("" when the
// account is not listed).
func (w *World) adminStatus(ctx context.Context, key fedsig.ServerKey, domain, addr string) string {
	GinkgoHelper()
	r := w.Admin(ctx, key, domain, "GET", adminAccounts, nil)
	ExpectStatus(r, 200)
	var list struct {
		Accounts []adminAccount `json:"accounts"`
	}
	Expect(r.Decode(&list)).To(Succeed())
	for _, a := range list.Accounts {
		if a.Address == addr {
			return a.Status
		}
	}
	return ""
}

// login tries a fresh login of a and returns the answer that decides
// it: the challenge's when the challenge is refused, else the login's.
func (w *World) login(ctx context.Context, a *probe.Account) *probe.Response {
	GinkgoHelper()
	ch, r, err := w.P.Challenge(ctx, a.Addr)
	Expect(err).NotTo(HaveOccurred())
	if ch == nil {
		return r
	}
	proof, err := account.NewLoginProof(w.P.Deps, a.Addr, a.ID.SignKey(), ch, a.Addr.Domain)
	Expect(err).NotTo(HaveOccurred())
	r, err = w.P.JSON(ctx, "POST", a.Addr.Domain, "/emsg/v1/login", nil, map[string]any{"proof": proof})
	Expect(err).NotTo(HaveOccurred())
	return r
}

// strangerKey is an Ed25519 key no server knows.
func strangerKey() fedsig.ServerKey {
	GinkgoHelper()
	k, err := fedsig.NewServerKey(wire.System(), "ed25519:stranger")
	Expect(err).NotTo(HaveOccurred())
	return k
}

// adminRefusal is one admin request broken on purpose and the error it
// must get.
type adminRefusal struct {
	name string
	opts probe.AdminOptions
	code string
}

// expectAdminRefusals sends GET /admin/accounts broken in each way and
// checks each answer's error code.
func (w *World) expectAdminRefusals(ctx context.Context, key fedsig.ServerKey, domain string, cases []adminRefusal) {
	GinkgoHelper()
	By("a correctly signed request is answered")
	ExpectStatus(w.Admin(ctx, key, domain, "GET", adminAccounts, nil), 200)
	for _, tc := range cases {
		By(tc.name)
		ExpectError(w.AdminWith(ctx, key, domain, "GET", adminAccounts, nil, tc.opts), tc.code)
	}
}

var _ = Describe("Admin API authentication", func() {
	Conformance(Core, "refuses an admin request without a signature by a configured operator key with unauthorized", Reqs("ADMIN-AUTH-01"), func(ctx SpecContext, w *World) {
		key := w.Operator(ctx, w.A())
		stranger := strangerKey()
		w.expectAdminRefusals(ctx, key, w.A(), []adminRefusal{
			{"no Authorization header", probe.AdminOptions{NoAuthorization: true}, "unauthorized"},
			{"a key the server was not given", probe.AdminOptions{KeyID: stranger.ID, SignWith: stranger.Private}, "unauthorized"},
		})
	})

	Conformance(Core, "refuses an admin request whose signature does not verify with bad_signature", Reqs("ADMIN-AUTH-02"), func(ctx SpecContext, w *World) {
		key := w.Operator(ctx, w.A())
		w.expectAdminRefusals(ctx, key, w.A(), []adminRefusal{
			{"signed by another key under the operator key's id", probe.AdminOptions{SignWith: strangerKey().Private}, "bad_signature"},
			{"a signature over another body", probe.AdminOptions{SignedBody: []byte(`{}`)}, "bad_signature"},
		})
	})

	Conformance(Core, "refuses an admin request signed for another domain with forbidden and one signed ten minutes away with unauthorized", Reqs("ADMIN-AUTH-03"), func(ctx SpecContext, w *World) {
		key := w.Operator(ctx, w.A())
		w.expectAdminRefusals(ctx, key, w.A(), []adminRefusal{
			{"signed for another destination", probe.AdminOptions{Destination: w.B()}, "forbidden"},
			{"signed ten minutes ago", probe.AdminOptions{Skew: -10 * time.Minute}, "unauthorized"},
			{"signed ten minutes ahead", probe.AdminOptions{Skew: 10 * time.Minute}, "unauthorized"},
		})
	})

	Conformance(Core, "refuses an admin request whose EMSG-Admin header does not parse or whose origin is not admin with bad_request", Reqs("ADMIN-AUTH-04"), func(ctx SpecContext, w *World) {
		key := w.Operator(ctx, w.A())
		w.expectAdminRefusals(ctx, key, w.A(), []adminRefusal{
			{"a header with one parameter", probe.AdminOptions{Authorization: `EMSG-Admin origin="admin"`}, "bad_request"},
			{"a sig of 3 bytes", probe.AdminOptions{Authorization: `EMSG-Admin origin="admin",destination="` + w.A() + `",key="` + key.ID + `",ts="` +
				strconv.FormatInt(time.Now().UnixMilli(), 10) + `",sig="AAAA"`}, "bad_request"},
			{"a valid signature with origin " + w.B(), probe.AdminOptions{Origin: w.B()}, "bad_request"},
		})
	})

	Conformance(Core, "never opens the admin API to an account's bearer token", Reqs("ADMIN-BEARER-01"), func(ctx SpecContext, w *World) {
		alice := w.Register(ctx, w.A(), "alice")
		advertised := w.Features(ctx, w.A())["admin"]
		for _, op := range []struct{ method, path string }{{"GET", adminAccounts}, {"POST", adminInvites}} {
			By(op.method + " " + op.path + " with alice's token")
			r, err := w.P.Do(ctx, probe.Request{Method: op.method, Domain: w.A(), Path: op.path, Header: alice.Auth(), Malformed: true})
			Expect(err).NotTo(HaveOccurred())
			Expect(r.Status).To(BeNumerically(">=", 400), "got %s, want a refusal; body %s", r, r.Body)
			if advertised {
				ExpectError(r, "unauthorized")
			} else {
				ExpectError(r, "not_found")
			}
		}
	})
})

var _ = Describe("Admin API operations", func() {
	Conformance(Core, "issues a new invite token with its expiry on every POST /admin/invites", Reqs("ADMIN-INVITE-01"), func(ctx SpecContext, w *World) {
		key := w.Operator(ctx, w.A())
		var tokens []string
		for range 2 {
			r := w.Admin(ctx, key, w.A(), "POST", adminInvites, nil)
			ExpectStatus(r, 201)
			var inv struct {
				Token   string `json:"token"`
				Expires int64  `json:"expires"`
			}
			Expect(r.Decode(&inv)).To(Succeed())
			Expect(inv.Token).NotTo(BeEmpty())
			Expect(inv.Expires).To(BeNumerically(">", time.Now().UnixMilli()), "an invite that has not expired yet")
			tokens = append(tokens, inv.Token)
		}
		Expect(tokens[1]).NotTo(Equal(tokens[0]), "a new token each time")
	})

	Conformance(Core, "shuts a suspended account out at once, its stream closed with 4001 and its logins forbidden, until it is unsuspended", Reqs("ADMIN-SUSPEND-01", "ADMIN-SUSPEND-02"), func(ctx SpecContext, w *World) {
		key := w.Operator(ctx, w.A())
		bob := w.Register(ctx, w.A(), "bob")
		s := w.Stream(ctx, bob, -1)
		NextFrame(ctx, s, "ready")
		path := adminAccounts + "/" + probe.PathOf(bob.Addr)
		ExpectStatus(w.Admin(ctx, key, w.A(), "POST", path+"/suspend", nil), 204)

		By("the open stream closes with 4001 and the token stops working")
		Eventually(ctx, s.Done()).Should(BeClosed())
		Expect(s.CloseCode()).To(Equal(4001))
		ExpectError(w.Call(ctx, bob, "GET", "/emsg/v1/settings", nil), "unauthorized")
		Expect(w.adminStatus(ctx, key, w.A(), bob.Addr.String())).To(Equal("suspended"))

		By("a login is forbidden while suspended")
		ExpectError(w.login(ctx, bob), "forbidden")

		By("unsuspended, the account logs in again")
		ExpectStatus(w.Admin(ctx, key, w.A(), "POST", path+"/unsuspend", nil), 204)
		Expect(bob.Login(ctx)).To(Succeed())
		ExpectStatus(w.Call(ctx, bob, "GET", "/emsg/v1/settings", nil), 200)
		Expect(w.adminStatus(ctx, key, w.A(), bob.Addr.String())).To(Equal("active"))
	})

	Conformance(Core, "purges an account deleted by the operator, as its own deletion would, and keeps its local part reserved", Reqs("ADMIN-DELETE-01"), func(ctx SpecContext, w *World) {
		key := w.Operator(ctx, w.A())
		alice, bob := w.Register(ctx, w.A(), "alice"), w.Register(ctx, w.A(), "bob")
		w.Befriend(ctx, alice, bob)
		bs := w.Stream(ctx, bob, -1)
		ExpectStatus(w.Admin(ctx, key, w.A(), "DELETE", adminAccounts+"/"+probe.PathOf(alice.Addr), nil), 202)

		By("its contact is told and loses it")
		NextEvent(ctx, bs, "contact_removed")
		Eventually(ctx, func() map[string]contact { return w.Contacts(ctx, bob) }).WithTimeout(scale(deliveryTimeout)).
			ShouldNot(HaveKey(alice.Addr.String()), "bob drops the deleted contact")
		By("its tokens are gone, it cannot log in and the operator no longer lists it")
		ExpectError(w.Call(ctx, alice, "GET", "/emsg/v1/settings", nil), "unauthorized")
		Expect(alice.Login(ctx)).NotTo(Succeed(), "a deleted account cannot log in")
		Expect(w.adminStatus(ctx, key, w.A(), alice.Addr.String())).To(BeEmpty())
		By("an envelope and a key request for it are answered gone")
		_, r := w.Send(ctx, bob, alice.Bundle(), "are you there?")
		ExpectError(r, "gone")
		ExpectError(w.Call(ctx, bob, "GET", "/emsg/v1/keys/"+probe.PathOf(alice.Addr), nil), "gone")
		By("its local part stays reserved")
		taker, err := keys.NewIdentity(w.P.Deps, alice.Addr)
		Expect(err).NotTo(HaveOccurred())
		again, err := w.P.RegisterIdentity(ctx, taker, "")
		Expect(err).NotTo(HaveOccurred())
		ExpectError(again, "address_taken")
	})
})
