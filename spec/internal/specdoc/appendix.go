package specdoc

import (
	"fmt"
	"strconv"
	"strings"
)

// appendices writes the generated appendices A to E.
func (p *printer) appendices(in Inputs) {
	p.errorCodes(in.ErrorCodes)
	p.defects(in.Defects)
	p.schemas(in.Schemas)
	p.apis(in.APIs)
	p.counts(in)
}

// errorCodes writes Appendix A: every wire error code with its HTTP status.
func (p *printer) errorCodes(codes []ErrorCode) {
	p.heading(2, appendixAnchor(0), appendixTitles[0])
	p.para("Every error response of every API is `{\"error\": <code>, \"message\": <text>}` " +
		"with exactly the HTTP status below (plus `retry_after` for `rate_limited` and " +
		"`moved_to` for `moved`). The list is closed; adding a code is a protocol change.")
	p.table([]string{"Code", "HTTP status", "Meaning"}, len(codes), func(i int) []string {
		c := codes[i]
		return []string{"`" + c.Code + "`", strconv.Itoa(c.Status), c.Meaning}
	})
}

// defects writes Appendix B: the defect → error code map.
func (p *printer) defects(defects []Defect) {
	p.heading(2, appendixAnchor(1), appendixTitles[1])
	p.para("The reference protocol library reports every rejected input with one " +
		"defect word; the test vectors state the expected defect of each invalid case. " +
		"A server that detects a defect answers with the error code below. Defects " +
		"marked \"client only\" are found after decryption, by a client, and have no wire code.")
	p.table([]string{"Defect", "Error code"}, len(defects), func(i int) []string {
		d := defects[i]
		code := "client only"
		if d.Code != "" {
			code = "`" + d.Code + "`"
		}
		return []string{"`" + d.Defect + "`", code}
	})
}

// schemas writes Appendix C: every JSON Schema file.
func (p *printer) schemas(schemas []Schema) {
	p.heading(2, appendixAnchor(2), appendixTitles[2])
	p.para("Every object and every stream frame has a JSON Schema (draft 2020-12) in " +
		"`spec/schemas/`. Objects are closed: a member the schema does not list is rejected.")
	p.table([]string{"File", "Title", "Description"}, len(schemas), func(i int) []string {
		s := schemas[i]
		return []string{"`" + s.File + "`", s.Title, s.Description}
	})
}

// apis writes Appendix D: the operations of every OpenAPI document.
func (p *printer) apis(apis []API) {
	p.heading(2, appendixAnchor(3), appendixTitles[3])
	p.para("The HTTP APIs are specified by OpenAPI 3.1 documents in `spec/openapi/`; " +
		"request and response bodies refer to the JSON Schemas of Appendix C.")
	for _, a := range apis {
		p.heading(3, "", fmt.Sprintf("%s (`%s`)", a.Name, a.File))
		p.table([]string{"Method", "Path", "operationId", "Summary"}, len(a.Operations), func(i int) []string {
			o := a.Operations[i]
			return []string{o.Method, "`" + o.Path + "`", "`" + o.OperationID + "`", o.Summary}
		})
	}
}

// counts writes Appendix E: the number of requirements per profile × level.
func (p *printer) counts(in Inputs) {
	p.heading(2, appendixAnchor(4), appendixTitles[4])
	n := map[[2]string]int{}
	for _, s := range in.Sections {
		for _, r := range s.Requirements {
			n[[2]string{r.Profile, r.Level}]++
			n[[2]string{r.Profile, ""}]++
			n[[2]string{"", r.Level}]++
			n[[2]string{"", ""}]++
		}
	}
	header := append(append([]string{"Profile"}, in.Levels...), "Total")
	rows := append(append([]string{}, in.Profiles...), "")
	p.table(header, len(rows), func(i int) []string {
		name := rows[i]
		if name == "" {
			name = "**Total**"
		}
		row := []string{name}
		for _, l := range append(append([]string{}, in.Levels...), "") {
			row = append(row, strconv.Itoa(n[[2]string{rows[i], l}]))
		}
		return row
	})
}

// table writes a Markdown table with the given header and n rows.
func (p *printer) table(header []string, n int, row func(i int) []string) {
	p.line("| " + strings.Join(header, " | ") + " |")
	p.line(strings.Repeat("|---", len(header)) + "|")
	for i := range n {
		cells := row(i)
		for j, c := range cells {
			cells[j] = cell(c)
		}
		p.line("| " + strings.Join(cells, " | ") + " |")
	}
	p.line("")
}

// cell makes s safe inside a table cell: one line, pipes escaped.
func cell(s string) string {
	return strings.ReplaceAll(oneLine(s), "|", `\|`)
}
