package spec

import (
	"cmp"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// SchemaError is why an instance fails a schema: the schema's name, the JSON
// Pointer (RFC 6901) of the offending value inside the instance ("" for the
// whole document), and what is wrong there. [ValidateJSON] and [Validate]
// return it, so a conformance failure reads
//
//	envelope.json: /keys/bob#b.test: minLength: got 12, want 107
//
// When an instance breaks several rules, the error names the deepest
// location (the most specific fault) and counts the others in Message.
type SchemaError struct {
	Schema  string // schema name, without ".json"
	Pointer string // JSON Pointer of the offending value; "" is the root
	Message string // what is wrong at Pointer
}

// Error formats e as "<schema>.json: <pointer>: <message>", writing the root
// as "(root)".
func (e *SchemaError) Error() string {
	loc := e.Pointer
	if loc == "" {
		loc = "(root)"
	}
	return fmt.Sprintf("%s.json: %s: %s", e.Schema, loc, e.Message)
}

// printer renders validation messages in English.
var printer = message.NewPrinter(language.English)

// asSchemaError converts a decoding or validation failure of inst (nil if
// it did not decode) into a [*SchemaError] for the named schema.
func asSchemaError(name string, inst any, err error) *SchemaError {
	var se *SchemaError
	if errors.As(err, &se) {
		return &SchemaError{Schema: name, Pointer: se.Pointer, Message: se.Message}
	}
	var ve *jsonschema.ValidationError
	if errors.As(err, &ve) {
		return fromValidationError(name, inst, ve)
	}
	return &SchemaError{Schema: name, Message: err.Error()}
}

// leafError is one elementary failure of a validation error tree.
type leafError struct {
	depth   int    // number of reference tokens in the instance location
	opaque  bool   // a pattern or "not" failure, less telling than others
	pointer string // the instance location
	message string
}

// fromValidationError picks the most specific elementary failure of ve: the
// deepest instance location, then a failure that says more than "does not
// match" (a length or a range beats a pattern), then the first pointer and
// message in order, so the choice does not depend on map iteration order.
func fromValidationError(name string, inst any, ve *jsonschema.ValidationError) *SchemaError {
	leaves := leafCollector{inst: inst}.collect(ve, nil)
	if len(leaves) == 0 { // defensive: a failure always has at least one leaf
		return &SchemaError{Schema: name, Message: ve.Error()}
	}
	slices.SortFunc(leaves, func(a, b leafError) int {
		return cmp.Or(cmp.Compare(b.depth, a.depth), compareBool(a.opaque, b.opaque),
			cmp.Compare(a.pointer, b.pointer), cmp.Compare(a.message, b.message))
	})
	leaves = slices.CompactFunc(leaves, func(a, b leafError) bool { return a == b })
	msg := leaves[0].message
	if n := len(leaves) - 1; n > 0 {
		msg += fmt.Sprintf(" (and %d more %s)", n, plural(n, "error", "errors"))
	}
	return &SchemaError{Schema: name, Pointer: leaves[0].pointer, Message: msg}
}

// collectLeaves appends the elementary failures of ve's tree: the errors
// without causes, and the propertyNames and contains errors, whose causes
// describe a member name or a failed attempt rather than a location of the
// instance.
func (lc leafCollector) collect(ve *jsonschema.ValidationError, out []leafError) []leafError {
	switch k := ve.ErrorKind.(type) {
	case *kind.PropertyNames:
		leaf := newLeaf(ve, lc.summary(ve))
		leaf.pointer = jsonPointer(memberOwner(lc.inst, ve.InstanceLocation, k.Property))
		return append(out, leaf)
	case *kind.Contains:
		return append(out, newLeaf(ve, lc.summary(ve)))
	}
	if len(ve.Causes) == 0 {
		return append(out, newLeaf(ve, leafMessage(ve)))
	}
	for _, c := range ve.Causes {
		out = lc.collect(c, out)
	}
	return out
}

// leafCollector gathers elementary failures; inst is the validated
// instance, used to repair propertyNames locations.
type leafCollector struct{ inst any }

// newLeaf records one elementary failure with its message.
func newLeaf(ve *jsonschema.ValidationError, msg string) leafError {
	_, pattern := ve.ErrorKind.(*kind.Pattern)
	_, not := ve.ErrorKind.(*kind.Not)
	return leafError{
		depth:   len(ve.InstanceLocation),
		opaque:  pattern || not,
		pointer: jsonPointer(ve.InstanceLocation),
		message: msg,
	}
}

// summary describes a failure together with its first elementary
// cause, as in `invalid propertyName "Bob#b.test": "Bob#b.test" does not
// match the pattern of defs.json#/$defs/address`.
func (lc leafCollector) summary(ve *jsonschema.ValidationError) string {
	msg := ve.ErrorKind.LocalizedString(printer)
	var causes []leafError
	for _, c := range ve.Causes {
		causes = leafCollector{}.collect(c, causes)
	}
	if len(causes) > 0 {
		slices.SortFunc(causes, func(a, b leafError) int { return cmp.Compare(a.message, b.message) })
		msg += ": " + causes[0].message
	}
	return msg
}

// memberOwner returns the location of the object in inst that has a member
// called name. jsonschema/v6 reports a propertyNames failure at a location
// whose tokens later validation may have overwritten (it does not copy its
// path), so only the reported depth is trusted: the reported location wins
// if it holds such a member, else the first such object at that depth in
// sorted member order, else the reported location as is.
func memberOwner(inst any, reported []string, name string) []string {
	if obj, ok := valueAt(inst, reported).(map[string]any); ok && obj[name] != nil {
		return reported
	}
	if loc, ok := findOwner(inst, nil, len(reported), name); ok {
		return loc
	}
	return reported
}

// valueAt returns the value at a location of inst, or nil.
func valueAt(v any, loc []string) any {
	for _, tok := range loc {
		switch n := v.(type) {
		case map[string]any:
			v = n[tok]
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(n) {
				return nil
			}
			v = n[i]
		default:
			return nil
		}
	}
	return v
}

// findOwner searches depth-first for an object at the given depth that has
// a member called name.
func findOwner(v any, loc []string, depth int, name string) ([]string, bool) {
	if len(loc) == depth {
		obj, ok := v.(map[string]any)
		_, has := obj[name]
		return loc, ok && has
	}
	switch n := v.(type) {
	case map[string]any:
		for _, k := range slices.Sorted(maps.Keys(n)) {
			if found, ok := findOwner(n[k], append(slices.Clip(loc), k), depth, name); ok {
				return found, true
			}
		}
	case []any:
		for i, e := range n {
			if found, ok := findOwner(e, append(slices.Clip(loc), strconv.Itoa(i)), depth, name); ok {
				return found, true
			}
		}
	}
	return nil, false
}

// compareBool orders false before true.
func compareBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	default:
		return -1
	}
}

// leafMessage says what is wrong in one elementary failure. Pattern and
// "not" failures name the schema location that holds the rule (for example
// defs.json#/$defs/address), whose description explains it, rather than
// quoting a long regular expression.
func leafMessage(ve *jsonschema.ValidationError) string {
	where := strings.TrimPrefix(ve.SchemaURL, SchemaBaseURL)
	switch k := ve.ErrorKind.(type) {
	case *kind.Pattern:
		return fmt.Sprintf("%q does not match the pattern of %s", k.Got, where)
	case *kind.Not:
		return fmt.Sprintf("value has a form that %s excludes (its \"not\" rule)", where)
	default:
		return ve.ErrorKind.LocalizedString(printer)
	}
}

// jsonPointer joins reference tokens into an RFC 6901 JSON Pointer.
func jsonPointer(tokens []string) string {
	var sb strings.Builder
	esc := strings.NewReplacer("~", "~0", "/", "~1")
	for _, t := range tokens {
		sb.WriteByte('/')
		sb.WriteString(esc.Replace(t))
	}
	return sb.String()
}

// plural picks the singular or plural noun for n.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
