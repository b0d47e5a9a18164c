package suites

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/emsg-project/emsg/conformance/probe"
	"github.com/emsg-project/emsg/reference/protocol/account"
	"github.com/emsg-project/emsg/reference/protocol/wire"
)

var _ = Describe("Registration", func() {
	Conformance(Core, "registers a fresh address and publishes its bundle", Reqs("ACCT-REG-01", "KEY-KEEP-01"), func(ctx SpecContext, w *World) {
		id, err := w.P.NewIdentity(probe.FreshLocal("reg"), w.A())
		Expect(err).NotTo(HaveOccurred())
		r, err := w.P.RegisterIdentity(ctx, id, "")
		Expect(err).NotTo(HaveOccurred())
		ExpectStatus(r, 201)
		Expect(r.Body).To(MatchJSON(`{"address":"` + id.Address().Local + "#" + id.Address().Domain + `"}`))
		reader := w.Register(ctx, w.A(), "reader")
		k := w.Call(ctx, reader, "GET", "/emsg/v1/keys/"+probe.PathOf(id.Address()), nil)
		ExpectStatus(k, 200)
		var chain struct {
			Bundles []map[string]any `json:"bundles"`
		}
		Expect(k.Decode(&chain)).To(Succeed())
		Expect(chain.Bundles).To(HaveLen(1))
		Expect(chain.Bundles[0]["sign_key"]).To(Equal(wire.EncodeBytes(id.Bundle().SignKey)))
	})

	Conformance(Core, "refuses a bundle for another domain with bad_address", Reqs("ACCT-REG-02"), func(ctx SpecContext, w *World) {
		id, err := w.P.NewIdentity(probe.FreshLocal("foreign"), w.B())
		Expect(err).NotTo(HaveOccurred())
		r, err := w.P.JSON(ctx, "POST", w.A(), "/emsg/v1/register", nil, map[string]any{"bundle": id.Bundle()})
		Expect(err).NotTo(HaveOccurred())
		ExpectError(r, "bad_address")
	})

	Conformance(Core, "refuses an address that is taken with address_taken and keeps the first bundle", Reqs("ACCT-REG-03", "ERR-STATE-01"), func(ctx SpecContext, w *World) {
		a := w.Register(ctx, w.A(), "taken")
		other, err := w.P.NewIdentity(a.Addr.Local, a.Addr.Domain)
		Expect(err).NotTo(HaveOccurred())
		r, err := w.P.RegisterIdentity(ctx, other, "")
		Expect(err).NotTo(HaveOccurred())
		ExpectError(r, "address_taken")
		Expect(a.Login(ctx)).To(Succeed(), "the first owner still logs in")
	})

	Conformance(Core, "refuses a registration bundle that carries prev", Reqs("ACCT-REG-04"), func(ctx SpecContext, w *World) {
		id, err := w.P.NewIdentity(probe.FreshLocal("prev"), w.A())
		Expect(err).NotTo(HaveOccurred())
		rotated, err := id.Rotate(w.P.Deps)
		Expect(err).NotTo(HaveOccurred())
		r, err := w.P.RegisterIdentity(ctx, rotated, "")
		Expect(err).NotTo(HaveOccurred())
		ExpectError(r, "bad_request")
	})

	Conformance(Core, "answers not_found for the keys of an address without an account", Reqs("KEY-FETCH-02"), func(ctx SpecContext, w *World) {
		reader := w.Register(ctx, w.A(), "reader")
		ExpectError(w.Call(ctx, reader, "GET", "/emsg/v1/keys/nobody-here%23"+w.A(), nil), "not_found")
	})
})

var _ = Describe("Login", func() {
	Conformance(Core, "issues 32 random bytes that expire within five minutes, alike for unknown addresses", Reqs("LOGIN-CHAL-01", "LOGIN-CHAL-02"), func(ctx SpecContext, w *World) {
		a := w.Register(ctx, w.A(), "chal")
		before := time.Now()
		c1, r1, err := w.P.Challenge(ctx, a.Addr)
		Expect(err).NotTo(HaveOccurred())
		c2, _, err := w.P.Challenge(ctx, a.Addr)
		Expect(err).NotTo(HaveOccurred())
		Expect(c1).To(HaveLen(32))
		Expect(c1).NotTo(Equal(c2), "fresh bytes each time")
		var ch struct {
			Expires int64 `json:"expires"`
		}
		Expect(r1.Decode(&ch)).To(Succeed())
		Expect(ch.Expires).To(BeNumerically("<=", time.Now().UnixMilli()+300000))
		Expect(ch.Expires).To(BeNumerically(">", before.UnixMilli()))
		ghost, err := w.P.NewIdentity(probe.FreshLocal("ghost"), w.A())
		Expect(err).NotTo(HaveOccurred())
		c3, r3, err := w.P.Challenge(ctx, ghost.Address())
		Expect(err).NotTo(HaveOccurred())
		ExpectStatus(r3, r1.Status)
		Expect(c3).To(HaveLen(32))
	})

	Conformance(Core, "issues a token of at least 128 bits that expires within 30 days", Reqs("LOGIN-TOKEN-01"), func(ctx SpecContext, w *World) {
		a := w.Register(ctx, w.A(), "tok")
		ch, _, err := w.P.Challenge(ctx, a.Addr)
		Expect(err).NotTo(HaveOccurred())
		proof, err := account.NewLoginProof(w.P.Deps, a.Addr, a.ID.SignKey(), ch, a.Addr.Domain)
		Expect(err).NotTo(HaveOccurred())
		r, err := w.P.JSON(ctx, "POST", w.A(), "/emsg/v1/login", nil, map[string]any{"proof": proof})
		Expect(err).NotTo(HaveOccurred())
		ExpectStatus(r, 200)
		var tok struct {
			Token   string `json:"token"`
			Expires int64  `json:"expires"`
		}
		Expect(r.Decode(&tok)).To(Succeed())
		Expect(len(tok.Token)).To(BeNumerically(">=", 22), "128 bits are at least 22 base64url characters")
		Expect(tok.Expires).To(BeNumerically("<=", time.Now().Add(30*24*time.Hour).UnixMilli()))
	})

	Conformance(Core, "refuses a proof signed by another key with bad_signature", Reqs("LOGIN-PROOF-01"), func(ctx SpecContext, w *World) {
		a := w.Register(ctx, w.A(), "wrongkey")
		impostor, err := w.P.NewIdentity(probe.FreshLocal("impostor"), w.A())
		Expect(err).NotTo(HaveOccurred())
		ch, _, err := w.P.Challenge(ctx, a.Addr)
		Expect(err).NotTo(HaveOccurred())
		proof, err := account.NewLoginProof(w.P.Deps, a.Addr, impostor.SignKey(), ch, a.Addr.Domain)
		Expect(err).NotTo(HaveOccurred())
		r, err := w.P.JSON(ctx, "POST", w.A(), "/emsg/v1/login", nil, map[string]any{"proof": proof})
		Expect(err).NotTo(HaveOccurred())
		ExpectError(r, "bad_signature")
	})

	Conformance(Core, "refuses a challenge it never issued, a reused one and one for another domain", Reqs("LOGIN-PROOF-02", "LOGIN-PROOF-03", "LOGIN-PROOF-04"), func(ctx SpecContext, w *World) {
		a := w.Register(ctx, w.A(), "proofs")
		login := func(ch []byte, domain string) *probe.Response {
			proof, err := account.NewLoginProof(w.P.Deps, a.Addr, a.ID.SignKey(), ch, domain)
			Expect(err).NotTo(HaveOccurred())
			r, err := w.P.JSON(ctx, "POST", w.A(), "/emsg/v1/login", nil, map[string]any{"proof": proof})
			Expect(err).NotTo(HaveOccurred())
			return r
		}
		By("a challenge the server never issued")
		ExpectError(login(make([]byte, 32), a.Addr.Domain), "unauthorized")
		By("a challenge used twice")
		ch, _, err := w.P.Challenge(ctx, a.Addr)
		Expect(err).NotTo(HaveOccurred())
		ExpectStatus(login(ch, a.Addr.Domain), 200)
		ExpectError(login(ch, a.Addr.Domain), "replayed")
		By("a proof for another domain")
		ch, _, err = w.P.Challenge(ctx, a.Addr)
		Expect(err).NotTo(HaveOccurred())
		ExpectError(login(ch, w.B()), "unauthorized")
	})
})

var _ = Describe("Settings", func() {
	Conformance(Core, "gives a new account the default settings", Reqs("SET-DEFAULT-01"), func(ctx SpecContext, w *World) {
		a := w.Register(ctx, w.A(), "settings")
		r := w.Call(ctx, a, "GET", "/emsg/v1/settings", nil)
		ExpectStatus(r, 200)
		var s map[string]any
		Expect(r.Decode(&s)).To(Succeed())
		Expect(s).To(HaveKeyWithValue("accept_strangers", false))
		Expect(s).To(HaveKeyWithValue("accept_requests", true))
		Expect(s).To(HaveKeyWithValue("typing", true))
		Expect(s).To(HaveKeyWithValue("presence", true))
		Expect(s).To(HaveKey("ttl"))
	})

	Conformance(Core, "changes only the members a patch names and refuses unknown ones", Reqs("SET-PATCH-01", "ERR-STATE-01"), func(ctx SpecContext, w *World) {
		a := w.Register(ctx, w.A(), "patch")
		ExpectStatus(w.Call(ctx, a, "PATCH", "/emsg/v1/settings", map[string]any{"accept_strangers": true}), 200)
		r := w.Call(ctx, a, "GET", "/emsg/v1/settings", nil)
		var s map[string]any
		Expect(r.Decode(&s)).To(Succeed())
		Expect(s).To(HaveKeyWithValue("accept_strangers", true))
		Expect(s).To(HaveKeyWithValue("accept_requests", true))
		bad, err := a.Raw(ctx, "PATCH", "/emsg/v1/settings", "application/json", []byte(`{"accept_requests":false,"colour":"blue"}`))
		Expect(err).NotTo(HaveOccurred())
		ExpectError(bad, "bad_request")
		r = w.Call(ctx, a, "GET", "/emsg/v1/settings", nil)
		Expect(r.Decode(&s)).To(Succeed())
		Expect(s).To(HaveKeyWithValue("accept_requests", true), "a refused patch changes nothing")
	})
})

var _ = Describe("Typed signed objects", func() {
	Conformance(Robustness, "refuses a validly signed object of another type in place of a login proof", Reqs("JCS-TYPE-01"), func(ctx SpecContext, w *World) {
		a := w.Register(ctx, w.A(), "typed")
		ch, _, err := w.P.Challenge(ctx, a.Addr)
		Expect(err).NotTo(HaveOccurred())
		proof, err := account.NewLoginProof(w.P.Deps, a.Addr, a.ID.SignKey(), ch, a.Addr.Domain)
		Expect(err).NotTo(HaveOccurred())
		b := bundleEditor{m: mustObject(proof), key: a.ID.SignKey()}
		b.m["type"] = "delete"
		b.resign()
		r, err := w.P.Do(ctx, probe.Request{Method: "POST", Domain: w.A(), Path: "/emsg/v1/login", Malformed: true,
			Header: map[string][]string{"Content-Type": {"application/json"}}, Body: mustJSON(map[string]any{"proof": b.m})})
		Expect(err).NotTo(HaveOccurred())
		ExpectError(r, "bad_request")
	})
})
