package suites

import "github.com/emsg-project/emsg/conformance/probe"

// probeReq is a request the spec breaks on purpose (only the answer is
// checked against spec/).
func probeReq(method, domain, path string) probe.Request {
	return probe.Request{Method: method, Domain: domain, Path: path, Malformed: true}
}
