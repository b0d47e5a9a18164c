package spec

import (
	"fmt"
	"maps"
	"slices"

	"github.com/getkin/kin-openapi/openapi3"
)

// Why inline
//
// kin-openapi validates a body against an OpenAPI 3.1 schema by marshalling
// the schema to JSON and compiling it with a fresh JSON Schema 2020-12
// compiler that cannot load other files. A schema that still says
// "$ref": "defs.json#/$defs/address" therefore does not compile, and
// kin-openapi then silently falls back to its OpenAPI 3.0 validator, which
// ignores const, if/then and the other 2020-12 keywords EMSG's schemas rely
// on. The validator's private copy of each document is therefore inlined:
// every reference the loader resolved is replaced by the schema it points to
// (its Value is kept, its Ref cleared), and the $id, $schema and $defs that
// only served those references are dropped. The marshalled schema is then
// self-contained and compiles. The documents [Document] returns keep their
// references.

// inliner replaces resolved schema references by their targets.
type inliner struct {
	onPath map[*openapi3.Schema]bool // schemas being inlined (cycle detection)
	done   map[*openapi3.Schema]bool // schemas whose sub-schemas are inlined
}

// inlineDocument inlines every schema reachable from doc's operations and
// components. It fails on a reference the loader left unresolved and on a
// recursive schema, which cannot be written out without a reference.
func inlineDocument(doc *openapi3.T) error {
	in := &inliner{onPath: map[*openapi3.Schema]bool{}, done: map[*openapi3.Schema]bool{}}
	for _, p := range slices.Sorted(maps.Keys(doc.Paths.Map())) {
		item := doc.Paths.Value(p)
		if err := in.parameters(item.Parameters); err != nil {
			return fmt.Errorf("path %s: %w", p, err)
		}
		for method, op := range item.Operations() {
			if err := in.operation(op); err != nil {
				return fmt.Errorf("%s %s: %w", method, p, err)
			}
		}
	}
	if doc.Components != nil {
		return in.components(doc.Components)
	}
	return nil
}

// operation inlines the parameters, request body and responses of op.
func (in *inliner) operation(op *openapi3.Operation) error {
	if err := in.parameters(op.Parameters); err != nil {
		return err
	}
	if op.RequestBody != nil && op.RequestBody.Value != nil {
		if err := in.content(op.RequestBody.Value.Content); err != nil {
			return fmt.Errorf("request body: %w", err)
		}
	}
	if op.Responses == nil {
		return nil
	}
	for status, r := range op.Responses.Map() {
		if err := in.response(r); err != nil {
			return fmt.Errorf("response %s: %w", status, err)
		}
	}
	return nil
}

// components inlines the reusable schemas, parameters, headers, responses
// and request bodies.
func (in *inliner) components(c *openapi3.Components) error {
	for name, s := range c.Schemas {
		if err := in.schema(s); err != nil {
			return fmt.Errorf("component schema %s: %w", name, err)
		}
	}
	for name, p := range c.Parameters {
		if err := in.parameter(p.Value); err != nil {
			return fmt.Errorf("component parameter %s: %w", name, err)
		}
	}
	for name, h := range c.Headers {
		if err := in.header(h); err != nil {
			return fmt.Errorf("component header %s: %w", name, err)
		}
	}
	for name, r := range c.Responses {
		if err := in.response(r); err != nil {
			return fmt.Errorf("component response %s: %w", name, err)
		}
	}
	for name, b := range c.RequestBodies {
		if b.Value != nil {
			if err := in.content(b.Value.Content); err != nil {
				return fmt.Errorf("component request body %s: %w", name, err)
			}
		}
	}
	return nil
}

func (in *inliner) parameters(ps openapi3.Parameters) error {
	for _, p := range ps {
		if err := in.parameter(p.Value); err != nil {
			return err
		}
	}
	return nil
}

func (in *inliner) parameter(p *openapi3.Parameter) error {
	if p == nil {
		return nil
	}
	if err := in.schema(p.Schema); err != nil {
		return fmt.Errorf("parameter %s: %w", p.Name, err)
	}
	if err := decodable(p); err != nil {
		return fmt.Errorf("parameter %s: %w", p.Name, err)
	}
	return in.content(p.Content)
}

// decodable works around kin-openapi's parameter decoder, which picks how to
// decode a parameter from its schema and gives up ("not implemented:
// decoding 'not'") on a schema with a top-level "not" — such as the address
// schema, whose "not" bounds the domain. The parameter gets a copy of its
// schema with "not X" rewritten as the equivalent "if X then (not {})": the
// decoder ignores if/then and validation means the same.
func decodable(p *openapi3.Parameter) error {
	if p.Schema == nil || p.Schema.Value == nil || p.Schema.Value.Not == nil {
		return nil
	}
	s := *p.Schema.Value
	if s.If != nil || s.Then != nil || s.Else != nil {
		return fmt.Errorf("schema has both not and if/then/else; the decoder cannot read it")
	}
	never := openapi3.NewSchemaRef("", &openapi3.Schema{Not: openapi3.NewSchemaRef("", &openapi3.Schema{})})
	s.If, s.Then, s.Not = s.Not, never, nil
	p.Schema = openapi3.NewSchemaRef("", &s)
	return nil
}

func (in *inliner) header(h *openapi3.HeaderRef) error {
	if h == nil || h.Value == nil {
		return nil
	}
	return in.parameter(&h.Value.Parameter)
}

func (in *inliner) response(r *openapi3.ResponseRef) error {
	if r == nil || r.Value == nil {
		return nil
	}
	for name, h := range r.Value.Headers {
		if err := in.header(h); err != nil {
			return fmt.Errorf("header %s: %w", name, err)
		}
	}
	return in.content(r.Value.Content)
}

func (in *inliner) content(c openapi3.Content) error {
	for mt, m := range c {
		if m == nil {
			continue
		}
		if err := in.schema(m.Schema); err != nil {
			return fmt.Errorf("%s: %w", mt, err)
		}
	}
	return nil
}

// schema clears sr's reference and, the first time its target is seen,
// inlines every sub-schema of the target.
func (in *inliner) schema(sr *openapi3.SchemaRef) error {
	if sr == nil {
		return nil
	}
	if sr.Value == nil {
		return fmt.Errorf("unresolved schema reference %q", sr.Ref)
	}
	ref, s := sr.Ref, sr.Value
	sr.Ref = ""
	if in.done[s] {
		return nil
	}
	if in.onPath[s] {
		return fmt.Errorf("recursive schema %q cannot be inlined", ref)
	}
	in.onPath[s] = true
	s.SchemaID, s.SchemaDialect, s.Defs = "", "", nil
	for _, sub := range subSchemas(s) {
		if err := in.schema(sub); err != nil {
			return err
		}
	}
	delete(in.onPath, s)
	in.done[s] = true
	return nil
}

// subSchemas lists every sub-schema keyword of s ($defs excepted: after
// inlining nothing refers to it).
func subSchemas(s *openapi3.Schema) []*openapi3.SchemaRef {
	subs := []*openapi3.SchemaRef{s.Not, s.Items, s.Contains, s.PropertyNames, s.If, s.Then, s.Else,
		s.ContentSchema, s.AdditionalProperties.Schema, s.UnevaluatedItems.Schema, s.UnevaluatedProperties.Schema}
	subs = append(subs, s.OneOf...)
	subs = append(subs, s.AnyOf...)
	subs = append(subs, s.AllOf...)
	subs = append(subs, s.PrefixItems...)
	for _, m := range []openapi3.Schemas{s.Properties, s.PatternProperties, s.DependentSchemas} {
		for _, k := range slices.Sorted(maps.Keys(m)) {
			subs = append(subs, m[k])
		}
	}
	return subs
}
