package spec

import (
	"fmt"
	"io"

	"github.com/emsg-project/emsg/spec/internal/specdoc"
)

// apiNames are the headings of the OpenAPI documents in EMSG.md.
var apiNames = map[API]string{
	ClientAPI:     "Client–server API",
	FederationAPI: "Federation API",
	AdminAPI:      "Admin API",
}

// WriteEMSGMarkdown writes the human-readable specification, spec/EMSG.md,
// to w: the prose and requirements of [Catalogue], then appendices generated
// from errors.yaml ([ErrorCodes], [CodeForDefect]), the JSON Schemas
// ([SchemaNames]) and the OpenAPI documents ([Operations]). The committed
// EMSG.md is exactly this output; the package's golden test keeps it so.
func WriteEMSGMarkdown(w io.Writer) error {
	in, err := markdownInputs()
	if err != nil {
		return err
	}
	return specdoc.Render(w, in)
}

// markdownInputs gathers everything EMSG.md is generated from.
func markdownInputs() (specdoc.Inputs, error) {
	sections, err := Catalogue()
	if err != nil {
		return specdoc.Inputs{}, fmt.Errorf("write EMSG.md: %w", err)
	}
	in := specdoc.Inputs{
		Sections:   docSections(sections),
		ErrorCodes: docErrorCodes(),
		Defects:    docDefects(),
		Schemas:    docSchemas(),
		APIs:       docAPIs(),
	}
	for _, p := range Profiles() {
		in.Profiles = append(in.Profiles, string(p))
	}
	for _, l := range Levels() {
		in.Levels = append(in.Levels, string(l))
	}
	return in, nil
}

func docSections(sections []Section) []specdoc.Section {
	out := make([]specdoc.Section, len(sections))
	for i, s := range sections {
		out[i] = specdoc.Section{ID: s.ID, Title: s.Title, Intro: s.Intro}
		for _, r := range s.Requirements {
			out[i].Requirements = append(out[i].Requirements, specdoc.Requirement{
				ID: r.ID, Level: string(r.Level), Profile: string(r.Profile),
				Statement: r.Statement, Rationale: r.Rationale, Refs: r.Refs,
			})
		}
	}
	return out
}

func docErrorCodes() []specdoc.ErrorCode {
	var out []specdoc.ErrorCode
	for _, c := range ErrorCodes() {
		out = append(out, specdoc.ErrorCode{Code: c.Code, Status: c.Status, Meaning: c.Meaning})
	}
	return out
}

// docDefects lists every defect with its code; client-only defects get "".
func docDefects() []specdoc.Defect {
	var out []specdoc.Defect
	for _, d := range DefectNames() {
		code, _ := CodeForDefect(d)
		out = append(out, specdoc.Defect{Defect: d, Code: code})
	}
	return out
}

func docSchemas() []specdoc.Schema {
	var out []specdoc.Schema
	for _, name := range SchemaNames() {
		out = append(out, specdoc.Schema{
			File: name + ".json", Title: SchemaTitle(name), Description: SchemaDescription(name),
		})
	}
	return out
}

func docAPIs() []specdoc.API {
	var out []specdoc.API
	for _, api := range APIs {
		name, ok := apiNames[api]
		if !ok {
			name = string(api) + " API"
		}
		a := specdoc.API{Name: name, File: "spec/openapi/" + string(api) + ".yaml"}
		for _, o := range Operations(api) {
			a.Operations = append(a.Operations, specdoc.Operation{
				Method: o.Method, Path: o.Path, OperationID: o.OperationID, Summary: o.Summary,
			})
		}
		out = append(out, a)
	}
	return out
}
