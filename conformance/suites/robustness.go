package suites

import (
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

var _ = Describe("Hostile input", func() {
	Conformance(Robustness, "refuses malformed JSON bodies with bad_request and changes nothing", Reqs("API-JSON-01", "ENC-DUP-01", "ENC-INT-01", "ENC-UTF8-01", "ENC-CLOSED-01", "ERR-STATE-01"), func(ctx SpecContext, w *World) {
		a := w.Register(ctx, w.A(), "hostile")
		for _, tc := range []struct{ name, ctype, body string }{
			{"a body that is not JSON by its content type", "text/plain", `{"accept_strangers":true}`},
			{"a repeated member", "application/json", `{"accept_strangers":true,"accept_strangers":true}`},
			{"a number with a fraction", "application/json", `{"accept_strangers":true,"ttl":3600.0}`},
			{"invalid UTF-8", "application/json", "{\"accept_strangers\":true,\"x\":\"\xff\"}"},
			{"a lone surrogate", "application/json", `{"accept_strangers":true,"x":"\ud800"}`},
			{"an unknown member", "application/json", `{"accept_strangers":true,"x":1}`},
		} {
			By(tc.name)
			r, err := a.Raw(ctx, "PATCH", "/emsg/v1/settings", tc.ctype, []byte(tc.body))
			Expect(err).NotTo(HaveOccurred())
			ExpectError(r, "bad_request")
		}
		r := w.Call(ctx, a, "GET", "/emsg/v1/settings", nil)
		Expect(string(r.Body)).To(ContainSubstring(`"accept_strangers":false`), "no refused patch changed anything")
	})

	Conformance(Robustness, "refuses a body over 1 MiB with too_large", Reqs("LIMIT-BODY-01"), func(ctx SpecContext, w *World) {
		a := w.Register(ctx, w.A(), "big")
		body := `{"kind":"read","to":"x#a.test","ids":["` + strings.Repeat("A", 1<<20) + `"]}`
		r, err := a.Raw(ctx, "POST", "/emsg/v1/receipts", "application/json", []byte(body))
		Expect(err).NotTo(HaveOccurred())
		ExpectError(r, "too_large")
	})

	Conformance(Robustness, "refuses malformed envelopes with the code for each defect", Reqs("ENV-SIZE-01", "ENV-VERSION-01", "ENV-ID-01", "ENV-ADDR-01", "ENV-SCHEMA-01", "ADDR-SIGNED-01"), func(ctx SpecContext, w *World) {
		alice, bob := w.Register(ctx, w.A(), "alice"), w.Register(ctx, w.A(), "bob")
		w.Befriend(ctx, alice, bob)
		env, err := alice.Seal(bob.Bundle(), "base")
		Expect(err).NotTo(HaveOccurred())
		for _, tc := range []struct {
			name string
			edit func(m map[string]any)
			code string
		}{
			{"version 2", func(m map[string]any) { m["v"] = 2 }, "unsupported_version"},
			{"an id that is not a ULID", func(m map[string]any) { m["id"] = "not-a-ulid" }, "bad_request"},
			{"an upper-case recipient", func(m map[string]any) { m["to"] = strings.ToUpper(m["to"].(string)) }, "bad_address"},
			{"an unknown member", func(m map[string]any) { m["colour"] = "blue" }, "bad_request"},
			{"a payload over 64 KiB", func(m map[string]any) { m["payload"] = strings.Repeat("A", 70000) }, "too_large"},
		} {
			By(tc.name)
			m := mustObject(env)
			tc.edit(m)
			ExpectError(w.Call(ctx, alice, "POST", "/emsg/v1/messages", m), tc.code)
		}
	})
})
