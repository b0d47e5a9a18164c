package specdoc

import (
	"io"
	"strings"
)

// printer writes Markdown lines to w and keeps the first write error, so
// the rendering code reads as a sequence of writes without error checks.
type printer struct {
	w   io.Writer
	err error
}

// line writes s and a line break.
func (p *printer) line(s string) {
	if p.err != nil {
		return
	}
	_, p.err = io.WriteString(p.w, s+"\n")
}

// para writes a paragraph (or any Markdown block) and a blank line.
func (p *printer) para(s string) {
	p.line(s)
	p.line("")
}

// heading writes a heading of the given level, preceded by an HTML anchor
// when anchor is not empty (stable link targets independent of the title).
func (p *printer) heading(level int, anchor, title string) {
	if anchor != "" {
		p.line(`<a id="` + anchor + `"></a>`)
		p.line("")
	}
	p.para(strings.Repeat("#", level) + " " + title)
}
