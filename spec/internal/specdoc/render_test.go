package specdoc

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// sample is a small input exercising every part of the document.
func sample() Inputs {
	return Inputs{
		Sections: []Section{{
			ID: "1", Title: "Addresses", Intro: "Prose with `code`.\n",
			Requirements: []Requirement{
				{ID: "ADDR-SYNTAX-01", Level: "MUST", Profile: "core",
					Statement: "A server MUST reject\n  it with `bad_address`.", Rationale: "Because.", Refs: []string{"envelope.json", "sendMessage"}},
				{ID: "ADDR-CASE-01", Level: "SHOULD", Profile: "client", Statement: "A client SHOULD fold."},
			},
		}},
		ErrorCodes: []ErrorCode{{Code: "bad_address", Status: 400, Meaning: "a | b"}},
		Defects:    []Defect{{Defect: "bad_chain", Code: "bad_signature"}, {Defect: "decrypt_failed"}},
		Schemas:    []Schema{{File: "envelope.json", Title: "Envelope", Description: "The outer\nlayer."}},
		APIs: []API{{Name: "Client–server API", File: "spec/openapi/client.yaml",
			Operations: []Operation{{Method: "POST", Path: "/emsg/v1/messages", OperationID: "sendMessage", Summary: "Send"}}}},
		Profiles: []string{"core", "client"},
		Levels:   []string{"MUST", "SHOULD", "MAY"},
	}
}

func TestRenderContains(t *testing.T) {
	var buf bytes.Buffer
	if err := Render(&buf, sample()); err != nil {
		t.Fatalf("Render: %v", err)
	}
	doc := buf.String()
	tests := []struct {
		name string
		want string
	}{
		// happy path: each part of the document appears in its Markdown form
		{"title", "# " + Title + "\n\n"},
		{"contents entry", "- [1. Addresses](#section-1)"},
		{"section heading with anchor", "<a id=\"section-1\"></a>\n\n## 1. Addresses"},
		{"intro prose", "Prose with `code`."},
		{"requirement line, statement folded to one line", `- <a id="ADDR-SYNTAX-01"></a>**ADDR-SYNTAX-01** (MUST, core) — A server MUST reject it with ` + "`bad_address`."},
		{"rationale", "\n  - *Rationale:* Because.\n"},
		{"refs", "\n  - *Refs:* `envelope.json`, `sendMessage`\n"},
		{"error code row with escaped pipe", "| `bad_address` | 400 | a \\| b |"},
		{"defect with a code", "| `bad_chain` | `bad_signature` |"},
		{"client-only defect", "| `decrypt_failed` | client only |"},
		{"schema row, one line", "| `envelope.json` | Envelope | The outer layer. |"},
		{"api heading", "### Client–server API (`spec/openapi/client.yaml`)"},
		{"operation row", "| POST | `/emsg/v1/messages` | `sendMessage` | Send |"},
		{"count row core", "| core | 1 | 0 | 0 | 1 |"},
		{"count row client", "| client | 0 | 1 | 0 | 1 |"},
		{"count total", "| **Total** | 1 | 1 | 0 | 2 |"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(doc, tt.want) {
				t.Errorf("document lacks %q", tt.want)
			}
		})
	}
}

func TestRenderIsDeterministic(t *testing.T) {
	var a, b bytes.Buffer
	if err := Render(&a, sample()); err != nil {
		t.Fatal(err)
	}
	if err := Render(&b, sample()); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("two renderings of the same input differ")
	}
}

// failingWriter fails after n successful writes.
type failingWriter struct{ n int }

var errWrite = errors.New("disk full")

func (w *failingWriter) Write(p []byte) (int, error) {
	if w.n == 0 {
		return 0, errWrite
	}
	w.n--
	return len(p), nil
}

func TestRenderErrors(t *testing.T) {
	tests := []struct {
		name string
		in   Inputs
		w    *failingWriter
		want error
	}{
		// sad path: nothing to render
		{"no sections", Inputs{}, &failingWriter{n: 1000}, ErrNoSections},
		// sad path: the writer fails at once, or half way through
		{"writer fails at once", sample(), &failingWriter{n: 0}, errWrite},
		{"writer fails later", sample(), &failingWriter{n: 20}, errWrite},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := Render(tt.w, tt.in); !errors.Is(err, tt.want) {
				t.Errorf("Render error = %v, want %v", err, tt.want)
			}
		})
	}
}
