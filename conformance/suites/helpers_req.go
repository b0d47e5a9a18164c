package suites

import (
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
