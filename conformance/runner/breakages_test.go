package runner

import "github.com/emsg-project/emsg/conformance/harness"

// breakage is one deliberately broken behaviour of the reference.
type breakage struct {
	domain     string
	middleware harness.Middleware
	suites     []string
}

var breakages = map[string]breakage{}
