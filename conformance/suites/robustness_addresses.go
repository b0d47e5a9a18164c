package suites

import (
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/emsg-project/emsg/conformance/probe"
)

var _ = Describe("Addresses", func() {
	Conformance(Robustness, "refuses malformed addresses in a URL path with bad_address, never repairing them", Reqs("ADDR-SYNTAX-01", "ADDR-LOCAL-01", "ADDR-DOMAIN-01", "ADDR-DOMAIN-02", "ADDR-DOMAIN-03", "ADDR-REPAIR-01"), func(ctx SpecContext, w *World) {
		a := w.Register(ctx, w.A(), "reader")
		for _, tc := range []struct{ name, path string }{
			{"no separator", "alice.a.test"},
			{"two separators", "alice%23b%23a.test"},
			{"an empty local part", "%23a.test"},
			{"an @ instead of #", "alice@a.test"},
			{"a local part of 65 characters", strings.Repeat("a", 65) + "%23a.test"},
			{"a local part starting with a dot", ".alice%23a.test"},
			{"a character outside the alphabet", "al!ce%23a.test"},
			{"a single-label domain", "alice%23localhost"},
			{"a numeric last label", "alice%2310.0.0.1"},
			{"reserved hyphens", "alice%23ab--c.test"},
			{"an empty label", "alice%23a..test"},
			{"white space", "alice%20smith%23a.test"},
			{"a non-ASCII letter", "al%C3%AFce%23a.test"},
			{"a percent-encoded sequence after decoding", "alice%2541%23a.test"},
		} {
			By(tc.name)
			r, err := w.P.Do(ctx, probe.Request{Method: "GET", Domain: w.A(), Path: "/emsg/v1/keys/" + tc.path, Header: a.Auth(), Malformed: true})
			Expect(err).NotTo(HaveOccurred())
			ExpectError(r, "bad_address")
		}
	})

	Conformance(Core, "folds an address in a URL path to lower case and reads %23 as #", Reqs("ADDR-CASE-01", "ADDR-URL-01"), func(ctx SpecContext, w *World) {
		alice := w.Register(ctx, w.A(), "alice")
		upper := strings.ToUpper(alice.Addr.Local) + "%23" + strings.ToUpper(alice.Addr.Domain)
		r := w.Call(ctx, alice, "GET", "/emsg/v1/keys/"+upper, nil)
		ExpectStatus(r, 200)
		Expect(string(r.Body)).To(ContainSubstring(b64(alice.Bundle().SignKey)))
	})
})

var _ = Describe("Envelopes", func() {
	Conformance(Robustness, "refuses envelopes from the future or with missing or malformed keys", Reqs("ENV-TS-01", "ENV-KEYS-01", "ENV-KEYS-02"), func(ctx SpecContext, w *World) {
		alice, bob := w.Register(ctx, w.A(), "alice"), w.Register(ctx, w.A(), "bob")
		w.Befriend(ctx, alice, bob)
		env, err := alice.Seal(bob.Bundle(), "base")
		Expect(err).NotTo(HaveOccurred())
		from, to := alice.Addr.String(), bob.Addr.String()
		for _, tc := range []struct {
			name string
			edit func(m map[string]any)
		}{
			{"ts ten minutes ahead", func(m map[string]any) { m["ts"] = env.TS + 600000 }},
			{"no wrapped key for the sender", func(m map[string]any) { delete(m["keys"].(map[string]any), from) }},
			{"no wrapped key for the recipient", func(m map[string]any) { delete(m["keys"].(map[string]any), to) }},
			{"a wrapped key of 79 bytes", func(m map[string]any) { m["keys"].(map[string]any)[to] = b64(make([]byte, 79)) }},
			{"a payload of 40 bytes", func(m map[string]any) { m["payload"] = b64(make([]byte, 40)) }},
		} {
			By(tc.name)
			m := mustObject(env)
			tc.edit(m)
			r, err := alice.Raw(ctx, "POST", "/emsg/v1/messages", "application/json", mustJSON(m))
			Expect(err).NotTo(HaveOccurred())
			ExpectError(r, "bad_request")
		}
	})
})

var _ = Describe("Optional features", func() {
	Conformance(Core, "answers the endpoints of features it does not advertise with not_found", Reqs("CONF-FEATURE-01"), func(ctx SpecContext, w *World) {
		checked := 0
		for _, d := range env.Deployment.Domains() {
			features := w.Features(ctx, d)
			for _, feature := range []string{"signals", "admin"} {
				if features[feature] {
					continue
				}
				By(d + " does not advertise " + feature)
				req := probe.Request{Method: "GET", Domain: d, Path: "/emsg/v1/admin/stats", Malformed: true}
				if feature == "signals" {
					a := w.Register(ctx, d, "features")
					req = probe.Request{Method: "POST", Domain: d, Path: "/emsg/v1/signals", Header: a.Auth(), Body: []byte(`{}`), Malformed: true}
				}
				r, err := w.P.Do(ctx, req)
				Expect(err).NotTo(HaveOccurred())
				ExpectError(r, "not_found")
				checked++
			}
		}
		if checked == 0 {
			Skip("every server under test advertises every optional feature")
		}
	})
})
