package spec

import (
	"fmt"
	"os"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// crossCheckEnv, set to 1, makes every validation run both validators and
// panic when the fast one is sure and the generic engine disagrees: any
// test run (the conformance suites, the server's tests) then checks the
// fast validator on every document it meets.
//
//	EMSG_SPEC_CROSSCHECK=1 go test ./conformance/... ./reference/...
const crossCheckEnv = "EMSG_SPEC_CROSSCHECK"

// crossCheck is whether crossCheckEnv is set.
var crossCheck = os.Getenv(crossCheckEnv) == "1"

// checkedAgainstGeneric returns the verdict on raw: nil when the fast
// validator found it valid, unless crossCheck is on, when the generic
// engine checks it too and a disagreement panics.
func checkedAgainstGeneric(sch *jsonschema.Schema, name string, raw []byte, valid, sure bool) error {
	if !crossCheck {
		return nil // valid: the fast validator is sound
	}
	err := validateGeneric(sch, name, raw)
	if sure && valid != (err == nil) {
		panic(fmt.Sprintf("spec: the fast validator says valid=%v for %s, the generic engine %v:\n%s", valid, name, err, raw))
	}
	return err
}
