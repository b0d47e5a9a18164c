package spec

import (
	"fmt"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// ValidateJSONDef checks raw against the definition def of the named
// schema (its "$defs" member def), exactly as [ValidateJSON] checks
// against a whole schema: the same JSON rules (UTF-8, no duplicate
// members, integers only), the same errors.
//
// It exists for discriminated schemas such as fed-item, one if/then branch
// per kind: validating against the whole schema evaluates every branch,
// about three times the work of the one that applies. A caller that knows
// the kind, and whose definitions each fix the kind (type object, kind
// required and const), validates against that kind's definition: passing
// it is passing the whole schema. When it fails, the caller validates
// against the whole schema for the error to report.
func ValidateJSONDef(name, def string, raw []byte) error {
	set, _, err := lookup(name)
	if err != nil {
		return err
	}
	valid, sure := false, false
	fs := set.fast[name+"#"+def] // only definitions that exist are compiled
	if fs != nil {
		if valid, sure = fastVerdict(fs, raw); valid && !crossCheck {
			return nil
		}
	}
	sch, err := set.def(name, def) // the generic engine's, under a lock: only when needed
	if err != nil {
		return err
	}
	if fs != nil && crossCheck {
		return checkedAgainstGeneric(sch, name, raw, valid, sure)
	}
	return validateGeneric(sch, name, raw)
}

// def returns the compiled $defs/def of the named schema, compiling it on
// first use.
func (set *schemaSet) def(name, def string) (*jsonschema.Schema, error) {
	key := name + "#" + def
	set.defsMu.Lock()
	defer set.defsMu.Unlock()
	if sch, ok := set.defs[key]; ok {
		return sch, nil
	}
	defs, _ := set.files[name].doc["$defs"].(map[string]any)
	if _, ok := defs[def]; !ok {
		return nil, fmt.Errorf("schema %s.json has no $defs/%s: %w", name, def, ErrUnknownSchema)
	}
	sch, err := set.compiler.Compile(SchemaBaseURL + name + ".json#/$defs/" + def)
	if err != nil {
		return nil, fmt.Errorf("compile %s.json#/$defs/%s: %w", name, def, err)
	}
	set.defs[key] = sch
	return sch, nil
}
