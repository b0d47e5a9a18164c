package suites

import (
	"context"
	"encoding/json"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/emsg-project/emsg/conformance/probe"
)

// probeReq is a request the spec breaks on purpose (only the answer is
// checked against spec/).
func probeReq(method, domain, path string) probe.Request {
	return probe.Request{Method: method, Domain: domain, Path: path, Malformed: true}
}

// mustObject encodes v as a JSON object a spec can edit.
func mustObject(v any) map[string]any {
	GinkgoHelper()
	m, err := probe.MarshalObject(v)
	Expect(err).NotTo(HaveOccurred())
	return m
}

// mustJSON encodes v.
func mustJSON(v any) []byte {
	GinkgoHelper()
	raw, err := json.Marshal(v)
	Expect(err).NotTo(HaveOccurred())
	return raw
}

// Features returns the features domain's discovery document advertises.
func (w *World) Features(ctx context.Context, domain string) map[string]bool {
	GinkgoHelper()
	return featuresVia(ctx, w.P, domain)
}

// featuresVia reads the features of domain's discovery document through p.
func featuresVia(ctx context.Context, p *probe.Probe, domain string) map[string]bool {
	GinkgoHelper()
	r, err := p.JSON(ctx, "GET", domain, "/.well-known/emsg", nil, nil)
	Expect(err).NotTo(HaveOccurred())
	var doc struct {
		Features []string `json:"features"`
	}
	Expect(r.Decode(&doc)).To(Succeed())
	out := map[string]bool{}
	for _, f := range doc.Features {
		out[f] = true
	}
	return out
}
