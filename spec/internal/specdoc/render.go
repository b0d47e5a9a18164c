package specdoc

import (
	"errors"
	"fmt"
	"io"
	"strings"
)

// Title is the document's first heading.
const Title = "EMSG/1 — end-to-end encrypted, federated instant messaging"

// status is the paragraph under the title.
const status = `**Status:** protocol version 1, specification for implementation. ` +
	`This document is generated: its prose and requirements come from ` +
	"`spec/requirements.yaml`, its appendices from `spec/errors.yaml`, " +
	"`spec/schemas/` and `spec/openapi/`. Do not edit it by hand; edit those " +
	"files and run `go test ./spec -run TestEMSGMarkdownIsGenerated -update`."

// howToRead explains the keywords and the requirement lines.
const howToRead = `The key words MUST, MUST NOT, SHOULD, SHOULD NOT and MAY are to be
interpreted as described in RFC 2119 and RFC 8174 when, and only when, they appear
in upper case, as they do in the numbered requirements below.

Each section opens with explanatory prose — the reasons, the formats with JSON
examples, and the algorithms step by step — followed by its requirements. A
requirement is one testable obligation, written as

` + "    - **ID** (LEVEL, profile) — statement" + `

The ID is stable across editions and is what test reports cite. The profile is
the unit an implementation is certified for; every MUST of a claimed profile needs
a passing test, a failed SHOULD is reported as a warning, and a MAY describes a
permitted behaviour that peers must tolerate. Error codes are written in
` + "`code`" + ` font and are defined in Appendix A; JSON Schema files and OpenAPI
operations named in a requirement's *Refs* are listed in Appendices C and D.`

// ErrNoSections is returned by [Render] for inputs without sections.
var ErrNoSections = errors.New("specdoc: no sections to render")

// Render writes the Markdown specification for in to w. It fails only on an
// empty input or when w fails.
func Render(w io.Writer, in Inputs) error {
	if len(in.Sections) == 0 {
		return ErrNoSections
	}
	p := &printer{w: w}
	p.para("# " + Title)
	p.para(status)
	p.heading(2, "", "How to read this document")
	p.para(howToRead)
	p.contents(in)
	for _, s := range in.Sections {
		p.section(s)
	}
	p.appendices(in)
	if p.err != nil {
		return fmt.Errorf("render EMSG.md: %w", p.err)
	}
	return nil
}

// appendixTitles names the generated appendices, in order.
var appendixTitles = []string{
	"Appendix A. Error codes",
	"Appendix B. Defects and their error codes",
	"Appendix C. JSON Schemas",
	"Appendix D. API operations",
	"Appendix E. Requirements per profile and level",
}

// contents writes the table of contents.
func (p *printer) contents(in Inputs) {
	p.heading(2, "", "Contents")
	for _, s := range in.Sections {
		p.line(fmt.Sprintf("- [%s. %s](#%s)", s.ID, s.Title, sectionAnchor(s.ID)))
	}
	for i, t := range appendixTitles {
		p.line(fmt.Sprintf("- [%s](#%s)", t, appendixAnchor(i)))
	}
	p.line("")
}

// section writes one numbered section: intro prose, then requirements.
func (p *printer) section(s Section) {
	p.heading(2, sectionAnchor(s.ID), s.ID+". "+s.Title)
	p.para(strings.TrimSpace(s.Intro))
	p.heading(3, "", fmt.Sprintf("Requirements of section %s", s.ID))
	for _, r := range s.Requirements {
		p.requirement(r)
	}
	p.line("")
}

// requirement writes one requirement as a list item with an anchor named
// after its ID, so reports can link to EMSG.md#ID; its rationale and refs
// follow as a nested list.
func (p *printer) requirement(r Requirement) {
	p.line(fmt.Sprintf(`- <a id="%s"></a>**%s** (%s, %s) — %s`,
		r.ID, r.ID, r.Level, r.Profile, oneLine(r.Statement)))
	if r.Rationale != "" {
		p.line("  - *Rationale:* " + oneLine(r.Rationale))
	}
	if len(r.Refs) > 0 {
		p.line("  - *Refs:* " + codeList(r.Refs))
	}
}

func sectionAnchor(id string) string { return "section-" + id }

func appendixAnchor(i int) string { return "appendix-" + string(rune('a'+i)) }

// oneLine folds the whitespace of s (line breaks of YAML block scalars
// included) into single spaces.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// codeList renders names as a comma-separated list in code font.
func codeList(names []string) string {
	quoted := make([]string, len(names))
	for i, n := range names {
		quoted[i] = "`" + n + "`"
	}
	return strings.Join(quoted, ", ")
}
