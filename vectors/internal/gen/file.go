package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"

	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/vectors"
)

// builder assembles one vector file, numbering tests 1..n and checking that
// every flag used is explained in the notes (and keeping only those).
type builder struct {
	file *vectors.File
	err  error
}

// newFile starts the file for area.
func newFile(area, algorithm string, header []string, notes map[string]string) *builder {
	return &builder{file: &vectors.File{
		Algorithm:        algorithm,
		Area:             area,
		Schema:           vectors.SchemaName,
		GeneratorVersion: generatorVersion,
		Header:           header,
		Notes:            notes,
	}}
}

// group adds a test group of type typ with the given shared parameters.
func (b *builder) group(typ, comment string, params map[string]any) *group {
	g := &vectors.Group{Type: typ, Comment: comment, Params: b.raw(params)}
	b.file.TestGroups = append(b.file.TestGroups, g)
	return &group{b: b, g: g}
}

// group adds tests to one test group.
type group struct {
	b *builder
	g *vectors.Group
}

// fields are the inputs and expected outputs of a test.
type fields = map[string]any

// valid adds a test that must succeed.
func (g *group) valid(comment string, f fields, flags ...string) {
	g.add(&vectors.Test{Comment: comment, Result: vectors.Valid, Flags: flags}, f)
}

// invalid adds a test that must fail with defect.
func (g *group) invalid(d wire.Defect, comment string, f fields, flags ...string) {
	g.add(&vectors.Test{Comment: comment, Result: vectors.Invalid, Defect: d, Flags: flags}, f)
}

// invalidDetail adds a test that must fail with defect and sub-reason detail.
func (g *group) invalidDetail(d wire.Defect, detail, comment string, f fields, flags ...string) {
	g.add(&vectors.Test{Comment: comment, Result: vectors.Invalid, Defect: d, Detail: detail, Flags: flags}, f)
}

// acceptable adds a test where implementations legitimately differ; d is the
// defect of those that reject it.
func (g *group) acceptable(d wire.Defect, comment string, f fields, flags ...string) {
	g.add(&vectors.Test{Comment: comment, Result: vectors.Acceptable, Defect: d, Flags: flags}, f)
}

func (g *group) add(t *vectors.Test, f fields) {
	b := g.b
	b.file.NumberOfTests++
	t.TcID = b.file.NumberOfTests
	if t.Flags == nil {
		t.Flags = []string{}
	}
	for _, fl := range t.Flags {
		if _, ok := b.file.Notes[fl]; !ok && b.err == nil {
			b.err = fmt.Errorf("tcId %d: flag %q has no note", t.TcID, fl)
		}
	}
	t.Fields = b.raw(f)
	g.g.Tests = append(g.g.Tests, t)
}

// raw encodes each value of m.
func (b *builder) raw(m map[string]any) map[string]json.RawMessage {
	out := make(map[string]json.RawMessage, len(m))
	for k, v := range m {
		data, err := json.Marshal(v)
		if err != nil && b.err == nil {
			b.err = fmt.Errorf("field %q: %w", k, err)
		}
		out[k] = data
	}
	return out
}

// done returns the file, or the first error met while building it.
func (b *builder) done() (*vectors.File, error) {
	if b.err != nil {
		return nil, b.err
	}
	used := map[string]bool{}
	for _, gt := range b.file.Tests() {
		for _, fl := range gt.Test.Flags {
			used[fl] = true
		}
	}
	notes := map[string]string{}
	for _, fl := range slices.Sorted(maps.Keys(b.file.Notes)) {
		if used[fl] {
			notes[fl] = b.file.Notes[fl] // a shared notes table keeps only the flags this file uses
		}
	}
	b.file.Notes = notes
	return b.file, nil
}

// encode writes f byte-stably: members sorted, two-space indent, no HTML
// escaping, a trailing newline.
func encode(f *vectors.File) ([]byte, error) {
	data, err := json.Marshal(f)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
