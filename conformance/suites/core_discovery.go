package suites

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

var _ = Describe("Discovery", func() {
	Conformance(Core, "serves a discovery document naming version 1 and the core profile", Reqs("DISC-DOC-01", "DISC-FEATURES-01", "SKEY-ID-01"), func(ctx SpecContext, w *World) {
		r, err := w.P.JSON(ctx, "GET", w.A(), "/.well-known/emsg", nil, nil)
		Expect(err).NotTo(HaveOccurred())
		ExpectStatus(r, 200)
		var doc struct {
			Domain     string            `json:"domain"`
			Versions   []string          `json:"versions"`
			Features   []string          `json:"features"`
			ServerKeys map[string]string `json:"server_keys"`
		}
		Expect(r.Decode(&doc)).To(Succeed())
		Expect(doc.Domain).To(Equal(w.A()))
		Expect(doc.Versions).To(ContainElement("1"))
		Expect(doc.Features).To(ContainElement("core"))
		Expect(doc.ServerKeys).NotTo(BeEmpty())
		for id := range doc.ServerKeys {
			Expect(id).To(MatchRegexp(`^ed25519:[A-Za-z0-9_]{1,32}$`))
		}
	})

	Conformance(Core, "answers the health check without authentication", Reqs("DISC-HEALTH-01"), func(ctx SpecContext, w *World) {
		r, err := w.P.JSON(ctx, "GET", w.A(), "/emsg/v1/health", nil, nil)
		Expect(err).NotTo(HaveOccurred())
		ExpectStatus(r, 200)
		Expect(r.Body).To(MatchJSON(`{"status":"ok"}`))
	})

	Conformance(Core, "answers a path the API does not define with not_found", Reqs("ERR-ROUTE-01", "ERR-SHAPE-01", "ERR-STATUS-01"), func(ctx SpecContext, w *World) {
		for _, path := range []string{"/emsg/v1/no-such-thing", "/emsg/v2/messages", "/emsg/v1/messages/extra"} {
			r, err := w.P.Do(ctx, probeReq("GET", w.A(), path))
			Expect(err).NotTo(HaveOccurred())
			ExpectError(r, "not_found")
			ExpectStatus(r, 404)
		}
	})
})
