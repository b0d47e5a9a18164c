// Package badge draws the SVG badge of a profile ("core | certified",
// "core | 3 failing") in the flat style of shields.io, computed locally: a
// README or the HTML report can show it without any network service.
package badge

import (
	"fmt"
	"hash/fnv"
	"html"
	"os"
	"path/filepath"
	"strings"

	"github.com/emsg-project/emsg/reports/results"
)

// The colours of a badge's message by status.
const (
	Green  = "#4c1"    // certified
	Red    = "#e05d44" // some MUST fails
	Yellow = "#dfb317" // MUSTs uncovered, none failing
	Grey   = "#9f9f9f" // nothing to certify
)

// ForProfile returns the badge of p: its name, its status, and the colour
// of the status.
func ForProfile(p results.ProfileSummary) string {
	return SVG(p.Profile, p.Status(), colour(p))
}

func colour(p results.ProfileSummary) string {
	switch {
	case p.Certified:
		return Green
	case !p.Certifiable():
		return Grey
	case len(p.Failing) > 0:
		return Red
	default:
		return Yellow
	}
}

// SVG draws a two-part badge: label on grey, message on colour.
func SVG(label, message, colour string) string {
	lw, mw := textWidth(label)+10, textWidth(message)+10
	w := lw + mw
	l, m := html.EscapeString(label), html.EscapeString(message)
	id := defsID(label, message, colour)
	svg := fmt.Sprintf(`<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="20" role="img" aria-label="%s: %s">`+
		`<title>%s: %s</title>`+
		`<linearGradient id="s" x2="0" y2="100%%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient>`+
		`<clipPath id="r"><rect width="%d" height="20" rx="3" fill="#fff"/></clipPath>`+
		`<g clip-path="url(#r)"><rect width="%d" height="20" fill="#555"/><rect x="%d" width="%d" height="20" fill="%s"/><rect width="%d" height="20" fill="url(#s)"/></g>`+
		`<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="11">`+
		`<text x="%d" y="15" fill="#010101" fill-opacity=".3">%s</text><text x="%d" y="14">%s</text>`+
		`<text x="%d" y="15" fill="#010101" fill-opacity=".3">%s</text><text x="%d" y="14">%s</text></g></svg>`,
		w, l, m, l, m, w, lw, lw, mw, html.EscapeString(colour), w,
		lw/2, l, lw/2, l, lw+mw/2, m, lw+mw/2, m)
	// Inline in one page, badges must not share the IDs of their defs.
	return strings.NewReplacer(`id="s"`, `id="s-`+id+`"`, `id="r"`, `id="r-`+id+`"`,
		`url(#s)`, `url(#s-`+id+`)`, `url(#r)`, `url(#r-`+id+`)`).Replace(svg)
}

// defsID derives the suffix of a badge's def IDs from what it shows, so
// two different badges never share one and equal badges draw alike.
func defsID(parts ...string) string {
	h := fnv.New32a()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return fmt.Sprintf("%08x", h.Sum32())
}

// textWidth estimates the width in pixels of s in 11px Verdana: close
// enough for a badge, with no font files.
func textWidth(s string) int {
	w := 0.0
	for _, r := range s {
		switch {
		case r == 'i' || r == 'l' || r == 'j' || r == '.' || r == ',' || r == ':' || r == '|' || r == '!' || r == '\'':
			w += 3.5
		case r == ' ' || r == 'f' || r == 't' || r == 'r':
			w += 4.5
		case r == 'm' || r == 'w' || r == 'M' || r == 'W':
			w += 10
		case r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
			w += 7.5
		default:
			w += 6.8
		}
	}
	return int(w + 0.5)
}

// WriteDir writes one badge per profile of a to dir as "<profile>.svg"
// (creating dir) and returns the paths written.
func WriteDir(dir string, a results.Analysis) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("write badges: %w", err)
	}
	var paths []string
	for _, p := range a.Profiles {
		path := filepath.Join(dir, p.Profile+".svg")
		if err := os.WriteFile(path, []byte(ForProfile(p)+"\n"), 0o644); err != nil {
			return paths, fmt.Errorf("write badge: %w", err)
		}
		paths = append(paths, path)
	}
	return paths, nil
}
