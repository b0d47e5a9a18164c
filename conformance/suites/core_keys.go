package suites

import (
	"encoding/json"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/emsg-project/emsg/conformance/probe"
)

var _ = Describe("Keys", func() {
	Conformance(Core, "keeps the whole chain of a rotated account and tells its contacts", Reqs("KEY-KEEP-01", "KEY-ROTATE-01"), func(ctx SpecContext, w *World) {
		alice, bob := w.Register(ctx, w.A(), "alice"), w.Register(ctx, w.A(), "bob")
		w.Befriend(ctx, alice, bob)
		bs := w.Stream(ctx, bob, -1)
		old := alice.Bundle()
		rotated, err := alice.ID.Rotate(w.P.Deps)
		Expect(err).NotTo(HaveOccurred())
		ExpectStatus(w.Call(ctx, alice, "PUT", "/emsg/v1/keys", rotated.Bundle()), 200)
		f := NextEvent(ctx, bs, "key_rotated")
		Expect(string(f.Event)).To(ContainSubstring(b64(rotated.Bundle().SignKey)))
		r := w.Call(ctx, bob, "GET", "/emsg/v1/keys/"+probe.PathOf(alice.Addr), nil)
		ExpectStatus(r, 200)
		var chain struct {
			Bundles []struct {
				SignKey string `json:"sign_key"`
			} `json:"bundles"`
		}
		Expect(r.Decode(&chain)).To(Succeed())
		Expect(chain.Bundles).To(HaveLen(2))
		Expect(chain.Bundles[0].SignKey).To(Equal(b64(old.SignKey)), "oldest first")
		Expect(chain.Bundles[1].SignKey).To(Equal(b64(rotated.Bundle().SignKey)))
	})

	Conformance(Core, "refuses an upload for another account, or one not chained to the current key", Reqs("KEY-OWNER-01", "KEY-CHAIN-01", "KEY-PREV-01"), func(ctx SpecContext, w *World) {
		alice, bob := w.Register(ctx, w.A(), "alice"), w.Register(ctx, w.A(), "bob")
		By("bob's rotated bundle uploaded by alice")
		bobNext, err := bob.ID.Rotate(w.P.Deps)
		Expect(err).NotTo(HaveOccurred())
		ExpectError(w.Call(ctx, alice, "PUT", "/emsg/v1/keys", bobNext.Bundle()), "forbidden")
		By("a bundle chained to a key that is not alice's current one")
		stranger, err := w.P.NewIdentity(alice.Addr.Local, alice.Addr.Domain)
		Expect(err).NotTo(HaveOccurred())
		forged, err := stranger.Rotate(w.P.Deps)
		Expect(err).NotTo(HaveOccurred())
		ExpectError(w.Call(ctx, alice, "PUT", "/emsg/v1/keys", forged.Bundle()), "bad_signature")
		By("a rotated bundle whose prev.sig does not verify")
		next, err := alice.ID.Rotate(w.P.Deps)
		Expect(err).NotTo(HaveOccurred())
		m := mustObject(next.Bundle())
		prev := m["prev"].(map[string]any)
		prev["sig"] = flipLast(prev["sig"].(string))
		ExpectError(w.Call(ctx, alice, "PUT", "/emsg/v1/keys", m), "bad_signature")
	})
})

var _ = Describe("Key bundles", func() {
	Conformance(Robustness, "refuses registration bundles with bad keys or signatures with the code for each defect", Reqs("KEY-SIG-01", "KEY-LEN-01", "KEY-LOWORDER-01", "SIG-LEN-01", "SIG-ALG-01", "ENC-B64-01", "ERR-STATE-01"), func(ctx SpecContext, w *World) {
		for _, tc := range []struct {
			name string
			edit func(id bundleEditor)
			code string
		}{
			{"a signature by another key", func(b bundleEditor) { b.m["sig"] = flipLast(b.m["sig"].(string)) }, "bad_signature"},
			{"a sign_key of 31 bytes", func(b bundleEditor) { b.m["sign_key"] = b64(make([]byte, 31)); b.resign() }, "bad_request"},
			{"a low-order box_key, validly signed", func(b bundleEditor) { b.m["box_key"] = b64(make([]byte, 32)); b.resign() }, "bad_request"},
			{"a signature of 63 bytes", func(b bundleEditor) { b.m["sig"] = b64(make([]byte, 63)) }, "bad_request"},
			{"a non-canonical S (S + L)", func(b bundleEditor) { b.m["sig"] = b64(addL(unb64(b.m["sig"].(string)))) }, "bad_signature"},
			{"a padded base64url key", func(b bundleEditor) { b.m["box_key"] = b.m["box_key"].(string) + "=" }, "bad_request"},
		} {
			By(tc.name)
			id, err := w.P.NewIdentity(probe.FreshLocal("bundle"), w.A())
			Expect(err).NotTo(HaveOccurred())
			b := bundleEditor{m: mustObject(id.Bundle()), key: id.SignKey()}
			tc.edit(b)
			r, err := w.P.JSON(ctx, "POST", w.A(), "/emsg/v1/register", nil, map[string]any{"bundle": b.m})
			Expect(err).NotTo(HaveOccurred())
			ExpectError(r, tc.code)
			By("the refused address stays free")
			r, err = w.P.RegisterIdentity(ctx, id, "")
			Expect(err).NotTo(HaveOccurred())
			ExpectStatus(r, 201)
		}
	})

	Conformance(Robustness, "verifies a bundle over its bytes as sent, whatever their formatting", Reqs("JCS-VERIFY-01", "JCS-INPUT-01"), func(ctx SpecContext, w *World) {
		id, err := w.P.NewIdentity(probe.FreshLocal("jcs"), w.A())
		Expect(err).NotTo(HaveOccurred())
		m := mustObject(id.Bundle())
		// members in reverse order, with white space: the same object
		body := []byte("{ \"bundle\" : {\n")
		keys := []string{"sig", "sign_key", "created", "box_key", "address"}
		for i, k := range keys {
			v, _ := json.Marshal(m[k])
			body = append(body, []byte("  \""+k+"\" :  "+string(v))...)
			if i < len(keys)-1 {
				body = append(body, ',', '\n')
			}
		}
		body = append(body, []byte("\n} }")...)
		r, err := w.P.Do(ctx, probe.Request{Method: "POST", Domain: w.A(), Path: "/emsg/v1/register", Body: body,
			Header: map[string][]string{"Content-Type": {"application/json"}}})
		Expect(err).NotTo(HaveOccurred())
		ExpectStatus(r, 201)
	})
})
