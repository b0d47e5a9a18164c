package markdown

import "strings"

// cell makes s safe inside a table cell or a list item: one line, pipes
// and HTML-significant characters escaped.
func cell(s string) string {
	return strings.NewReplacer("\r", " ", "\n", " ", "|", `\|`, "<", "&lt;", ">", "&gt;", "&", "&amp;").Replace(s)
}

// code renders s as inline code on one line, with a fence longer than any
// run of backticks inside it; "–" when s is empty.
func code(s string) string {
	if s == "" {
		return "–"
	}
	s = strings.NewReplacer("\r", " ", "\n", " ", "|", `\|`).Replace(s)
	fence := "`"
	for strings.Contains(s, fence) {
		fence += "`"
	}
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") || len(fence) > 1 {
		return fence + " " + s + " " + fence
	}
	return fence + s + fence
}

// codes renders IDs as inline code separated by commas.
func codes(ids []string) string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = code(id)
	}
	return strings.Join(out, ", ")
}
