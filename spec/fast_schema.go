package spec

import (
	"encoding/json"
	"fmt"
	"math/big"
	"net/url"
	"strconv"
	"strings"
)

// This file compiles the schemas a second time, for the fast validator.
//
// [ValidateJSON] decodes a document into maps and interfaces and hands it
// to the generic JSON Schema engine: about a third of the CPU a message
// costs the reference server, which checks each envelope three times on
// its way. The fast validator checks the same schemas, compiled once from
// the same documents, over the flat parse of fast_parse.go. It knows the
// keywords the EMSG/1 schemas use (a schema using any other one is not
// compiled, and the generic engine checks it alone) and answers only
// "valid" or "not sure": a document it is not sure about — invalid, or
// outside what its parser takes (escapes in strings, deep nesting) — goes
// to the generic engine, which gives the verdict and the error. So the
// errors are the generic engine's, and a fast "valid" must mean valid:
// fast_schema_test.go runs both over every schema example, every vector
// and their mutations, and FuzzFastValidator over arbitrary input.

// fschema is one compiled schema (or subschema). Every keyword present
// must hold; absent keywords hold trivially.
type fschema struct {
	boolean  *bool // a boolean schema: true or false, nothing else
	types    uint8 // bit per jkind class allowed (see typeBits); 0: any
	consts   []any // const (one value) or enum: the instance equals one
	hasConst bool  // consts is set (an empty enum admits nothing)
	minLen   int   // minLength, -1 when absent
	maxLen   int   // maxLength, -1 when absent
	patterns []*fastRegexp
	minimum  *big.Rat
	maximum  *big.Rat
	// intBounds: minimum and maximum (those present) are integers that
	// fit int64, held in minInt and maxInt too, so that an instance that
	// fits int64 compares without big numbers.
	intBounds      bool
	minInt, maxInt int64

	required   []string
	props      map[string]*fschema
	addl       *fschema // additionalProperties
	minProps   int      // -1 when absent
	propNames  *fschema
	dependents map[string]*fschema // dependentSchemas

	items    *fschema
	minItems int // -1 when absent
	maxItems int // -1 when absent
	contains *fschema
	unique   bool

	allOf, anyOf      []*fschema
	not               *fschema
	ifS, thenS, elseS *fschema
	ref               *fschema
}

// Type bits of [fschema.types].
const (
	tNull uint8 = 1 << iota
	tBoolean
	tInteger // every number the parser takes is an integer
	tNumber
	tString
	tArray
	tObject
)

var typeBits = map[string]uint8{
	"null": tNull, "boolean": tBoolean, "integer": tInteger, "number": tNumber,
	"string": tString, "array": tArray, "object": tObject,
}

// annotations are keywords that assert nothing.
var annotations = map[string]bool{
	"$schema": true, "$comment": true, "title": true, "description": true,
	"examples": true, "default": true, "deprecated": true, "readOnly": true, "writeOnly": true,
}

// fastCompiler compiles schema documents by their $id, following $ref
// between them. Subschemas are remembered by absolute location, so a
// location compiled twice is the same *fschema and recursion terminates.
type fastCompiler struct {
	docs  map[string]any // SchemaBaseURL + file → parsed schema document
	done  map[string]*fschema
	added []string // locations added to done since [fastCompiler.try] began
}

// try compiles loc as [fastCompiler.compileFast] does; when it fails,
// everything it added is forgotten, so that no later schema refers to a
// subschema that was left half compiled.
func (c *fastCompiler) try(loc string) (*fschema, error) {
	c.added = c.added[:0]
	s, err := c.compileFast(loc)
	if err != nil {
		for _, l := range c.added {
			delete(c.done, l)
		}
	}
	return s, err
}

// compileFast compiles the schema at the absolute location loc (a file
// URL with an optional "#" JSON pointer).
func (c *fastCompiler) compileFast(loc string) (*fschema, error) {
	if s, ok := c.done[loc]; ok {
		return s, nil
	}
	file, ptr, _ := strings.Cut(loc, "#")
	doc, ok := c.docs[file]
	if !ok {
		return nil, fmt.Errorf("no schema document %s", file)
	}
	node, err := resolvePointer(doc, ptr)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", loc, err)
	}
	s := &fschema{minLen: -1, maxLen: -1, minProps: -1, minItems: -1, maxItems: -1}
	c.done[loc] = s // before the keywords: a reference back here finds it
	c.added = append(c.added, loc)
	if err := c.fill(s, node, file, ptr); err != nil {
		return nil, err
	}
	return s, nil
}

// resolvePointer follows a JSON pointer ("" or "/a/b") in doc.
func resolvePointer(doc any, ptr string) (any, error) {
	if ptr == "" {
		return doc, nil
	}
	ptr, err := url.PathUnescape(ptr)
	if err != nil || !strings.HasPrefix(ptr, "/") {
		return nil, fmt.Errorf("unsupported pointer %q", ptr)
	}
	cur := doc
	for _, tok := range strings.Split(ptr[1:], "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		switch v := cur.(type) {
		case map[string]any:
			next, ok := v[tok]
			if !ok {
				return nil, fmt.Errorf("pointer %q: no member %q", ptr, tok)
			}
			cur = next
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(v) {
				return nil, fmt.Errorf("pointer %q: no element %q", ptr, tok)
			}
			cur = v[i]
		default:
			return nil, fmt.Errorf("pointer %q: %q is inside a scalar", ptr, tok)
		}
	}
	return cur, nil
}

// sub compiles the subschema at ptr + "/" + path of file.
func (c *fastCompiler) sub(file, ptr string, path ...string) (*fschema, error) {
	for _, p := range path {
		ptr += "/" + strings.ReplaceAll(strings.ReplaceAll(p, "~", "~0"), "/", "~1")
	}
	return c.compileFast(file + "#" + ptr)
}

// subs compiles the array of subschemas at ptr/key.
func (c *fastCompiler) subs(file, ptr, key string, v any) ([]*fschema, error) {
	list, ok := v.([]any)
	if !ok || len(list) == 0 {
		return nil, fmt.Errorf("%s is not a non-empty array", key)
	}
	out := make([]*fschema, len(list))
	for i := range list {
		s, err := c.sub(file, ptr, key, strconv.Itoa(i))
		if err != nil {
			return nil, err
		}
		out[i] = s
	}
	return out, nil
}

// fill compiles the keywords of node (at file#ptr) into s.
func (c *fastCompiler) fill(s *fschema, node any, file, ptr string) error {
	if b, ok := node.(bool); ok {
		s.boolean = &b
		return nil
	}
	obj, ok := node.(map[string]any)
	if !ok {
		return fmt.Errorf("%s#%s: a schema is an object or a boolean", file, ptr)
	}
	for key, v := range obj {
		if err := c.keyword(s, key, v, file, ptr); err != nil {
			return fmt.Errorf("%s#%s: %s: %w", file, ptr, key, err)
		}
	}
	s.intBounds = intBound(s.minimum, &s.minInt) && intBound(s.maximum, &s.maxInt)
	return nil
}

// intBound reports whether r is absent or an integer that fits int64, and
// stores it in *n.
func intBound(r *big.Rat, n *int64) bool {
	if r == nil {
		return true
	}
	if !r.IsInt() || !r.Num().IsInt64() {
		return false
	}
	*n = r.Num().Int64()
	return true
}

// keyword compiles one keyword of the schema at file#ptr into s.
func (c *fastCompiler) keyword(s *fschema, key string, v any, file, ptr string) (err error) {
	switch key {
	case "$id":
		if ptr != "" || v != file {
			return fmt.Errorf("an $id other than the file's")
		}
	case "$defs":
		// compiled when referenced
	case "$ref":
		ref, ok := v.(string)
		if !ok {
			return fmt.Errorf("not a string")
		}
		target, err := absoluteRef(file, ref)
		if err != nil {
			return err
		}
		s.ref, err = c.compileFast(target)
		return err
	case "type":
		s.types, err = compileTypes(v)
	case "const":
		s.consts, s.hasConst = []any{v}, true
	case "enum":
		list, ok := v.([]any)
		if !ok {
			return fmt.Errorf("not an array")
		}
		s.consts, s.hasConst = list, true
	case "minLength":
		s.minLen, err = nonNegative(v)
	case "maxLength":
		s.maxLen, err = nonNegative(v)
	case "pattern":
		return c.pattern(s, v)
	case "minimum":
		s.minimum, err = ratOf(v)
	case "maximum":
		s.maximum, err = ratOf(v)
	case "required":
		s.required, err = stringList(v)
	case "properties":
		return c.properties(s, v, file, ptr)
	case "additionalProperties":
		s.addl, err = c.sub(file, ptr, key)
	case "minProperties":
		s.minProps, err = nonNegative(v)
	case "propertyNames":
		s.propNames, err = c.sub(file, ptr, key)
	case "dependentSchemas":
		return c.dependentSchemas(s, v, file, ptr)
	case "items":
		s.items, err = c.sub(file, ptr, key)
	case "minItems":
		s.minItems, err = nonNegative(v)
	case "maxItems":
		s.maxItems, err = nonNegative(v)
	case "contains":
		s.contains, err = c.sub(file, ptr, key)
	case "uniqueItems":
		b, ok := v.(bool)
		if !ok {
			return fmt.Errorf("not a boolean")
		}
		s.unique = b
	case "allOf":
		s.allOf, err = c.subs(file, ptr, key, v)
	case "anyOf":
		s.anyOf, err = c.subs(file, ptr, key, v)
	case "not":
		s.not, err = c.sub(file, ptr, key)
	case "if":
		s.ifS, err = c.sub(file, ptr, key)
	case "then":
		s.thenS, err = c.sub(file, ptr, key)
	case "else":
		s.elseS, err = c.sub(file, ptr, key)
	default:
		if !annotations[key] {
			return fmt.Errorf("a keyword the fast validator does not know")
		}
	}
	return err
}

// absoluteRef makes ref absolute against the document file: "#/…" in file,
// "other.json" or "other.json#/…" next to it.
func absoluteRef(file, ref string) (string, error) {
	base, err := url.Parse(file)
	if err != nil {
		return "", err
	}
	r, err := url.Parse(ref)
	if err != nil {
		return "", fmt.Errorf("$ref %q: %w", ref, err)
	}
	abs := base.ResolveReference(r)
	frag := abs.Fragment
	abs.Fragment = ""
	if frag != "" && !strings.HasPrefix(frag, "/") {
		return "", fmt.Errorf("$ref %q: anchors are not supported", ref)
	}
	return abs.String() + "#" + frag, nil
}

// compileTypes reads "type": one name or a list of names.
func compileTypes(v any) (uint8, error) {
	names, ok := v.([]any)
	if !ok {
		names = []any{v}
	}
	var bits uint8
	for _, n := range names {
		name, _ := n.(string)
		b, ok := typeBits[name]
		if !ok {
			return 0, fmt.Errorf("unknown type %v", n)
		}
		bits |= b
	}
	return bits, nil
}

// pattern compiles a pattern with the engine the generic validator uses.
func (c *fastCompiler) pattern(s *fschema, v any) error {
	p, ok := v.(string)
	if !ok {
		return fmt.Errorf("not a string")
	}
	re, err := newFastRegexp(p)
	if err != nil {
		return err
	}
	s.patterns = append(s.patterns, re)
	return nil
}

// properties compiles each member's subschema.
func (c *fastCompiler) properties(s *fschema, v any, file, ptr string) error {
	m, ok := v.(map[string]any)
	if !ok {
		return fmt.Errorf("not an object")
	}
	s.props = make(map[string]*fschema, len(m))
	for name := range m {
		sub, err := c.sub(file, ptr, "properties", name)
		if err != nil {
			return err
		}
		s.props[name] = sub
	}
	return nil
}

// dependentSchemas compiles each member's dependent subschema.
func (c *fastCompiler) dependentSchemas(s *fschema, v any, file, ptr string) error {
	m, ok := v.(map[string]any)
	if !ok {
		return fmt.Errorf("not an object")
	}
	s.dependents = make(map[string]*fschema, len(m))
	for name := range m {
		sub, err := c.sub(file, ptr, "dependentSchemas", name)
		if err != nil {
			return err
		}
		s.dependents[name] = sub
	}
	return nil
}

// nonNegative reads a non-negative integer keyword value.
func nonNegative(v any) (int, error) {
	n, ok := v.(json.Number)
	if !ok {
		return 0, fmt.Errorf("not a number")
	}
	i, err := strconv.Atoi(string(n))
	if err != nil || i < 0 {
		return 0, fmt.Errorf("%s is not a non-negative integer", n)
	}
	return i, nil
}

// ratOf reads a number keyword value exactly.
func ratOf(v any) (*big.Rat, error) {
	n, ok := v.(json.Number)
	if !ok {
		return nil, fmt.Errorf("not a number")
	}
	r, ok := new(big.Rat).SetString(string(n))
	if !ok {
		return nil, fmt.Errorf("%s is not a number", n)
	}
	return r, nil
}

// stringList reads an array of strings.
func stringList(v any) ([]string, error) {
	list, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("not an array")
	}
	out := make([]string, len(list))
	for i, e := range list {
		if out[i], ok = e.(string); !ok {
			return nil, fmt.Errorf("element %d is not a string", i)
		}
	}
	return out, nil
}

// compileFastSet compiles every schema file, and every $defs entry of
// each, that uses only known keywords. Those that do not are left out:
// the generic engine alone checks them.
func compileFastSet(files map[string]schemaFile) map[string]*fschema {
	c := &fastCompiler{docs: map[string]any{}, done: map[string]*fschema{}}
	for name, f := range files {
		c.docs[SchemaBaseURL+name+".json"] = f.doc
	}
	out := map[string]*fschema{}
	for name, f := range files {
		if s, err := c.try(SchemaBaseURL + name + ".json#"); err == nil {
			out[name] = s
		}
		defs, _ := f.doc["$defs"].(map[string]any)
		for def := range defs {
			if s, err := c.try(SchemaBaseURL + name + ".json#/$defs/" + def); err == nil {
				out[name+"#"+def] = s
			}
		}
	}
	return out
}
