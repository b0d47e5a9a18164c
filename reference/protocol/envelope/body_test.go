package envelope

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/emsg-project/emsg/reference/protocol/canonical"
	"github.com/emsg-project/emsg/reference/protocol/wire"
)

func TestParseBody(t *testing.T) {
	tests := []struct {
		raw    string
		want   Body
		defect wire.Defect
	}{
		// happy path: a text body
		{`{"type":"text","text":"hi"}`, Body{Type: TypeText, Text: "hi"}, ""},
		// happy path: members in any order
		{`{"text":"x","type":"text"}`, Body{Type: TypeText, Text: "x"}, ""},
		// happy path: a vendor body with its own members
		{`{"type":"vnd.example.com.sticker","pack":"cats","n":3}`, Body{Type: "vnd.example.com.sticker"}, ""},

		// sad path: not an object
		{`"hi"`, Body{}, wire.Malformed},
		// no type
		{`{"text":"hi"}`, Body{}, wire.Malformed},
		// type not a string
		{`{"type":1}`, Body{}, wire.Malformed},
		// a type v1 does not define
		{`{"type":"image","url":"x"}`, Body{}, wire.Malformed},
		// a text body is closed
		{`{"type":"text","text":"hi","html":"<b>hi</b>"}`, Body{}, wire.Malformed},
		// the text is never empty
		{`{"type":"text","text":""}`, Body{}, wire.Malformed},
		// a text body needs its text
		{`{"type":"text"}`, Body{}, wire.Malformed},
		// the text must be a string
		{`{"type":"text","text":["hi"]}`, Body{}, wire.Malformed},
		// invalid JSON
		{`{"type":"text",}`, Body{}, wire.BadEncoding},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			got, err := ParseBody(json.RawMessage(tt.raw))
			if tt.defect != "" {
				wantDefect(t, err, tt.defect)
				return
			}
			if err != nil {
				t.Fatalf("ParseBody: %v", err)
			}
			if got != tt.want {
				t.Fatalf("got %+v, want %+v", got, tt.want)
			}
			if got.Supported() != (tt.want.Type == TypeText) {
				t.Errorf("Supported() = %v for type %q", got.Supported(), got.Type)
			}
		})
	}
}

func TestIsVendorType(t *testing.T) {
	tests := []struct {
		typ  string
		want bool
	}{
		{"vnd.example.com.sticker", true},                     // the usual form
		{"vnd.im.example.co.uk.poll_v2", true},                // a longer domain, "_" in the name
		{"vnd.a.test.x-1", true},                              // "-" inside the name
		{"vnd.example.com", false},                            // domain "example" (one label), name "com"
		{"vnd.example.sticker", false},                        // a one-label domain
		{"vnd.Example.com.sticker", false},                    // upper case is not canonical
		{"vnd.example.com.", false},                           // empty name
		{"vnd.example.com._x", false},                         // name starting with "_"
		{"vnd..com.x", false},                                 // empty label
		{"text", false},                                       // the standard type is not a vendor type
		{"vendor.example.com.x", false},                       // wrong prefix
		{"vnd.example.com." + strings.Repeat("n", 65), false}, // name too long
	}
	for _, tt := range tests {
		if got := IsVendorType(tt.typ); got != tt.want {
			t.Errorf("IsVendorType(%q) = %v, want %v", tt.typ, got, tt.want)
		}
	}
}

// TextBody writes what the generic canonicaliser writes, for every kind of
// character JCS treats specially.
func TestTextBodyIsCanonical(t *testing.T) {
	texts := []string{
		"", "hi", `"quoted"`, `back\slash`, "\x00\x01\x1f\x7f", "\b\t\n\f\r",
		"é 😀 \u2028 \u2029 \ufeff", "<>&", "\uFFFD", strings.Repeat("long ", 100),
	}
	for b := 0; b < 0x80; b++ {
		texts = append(texts, string(rune(b)))
	}
	for _, text := range texts {
		got := TextBody(text)
		generic, err := json.Marshal(map[string]string{"type": "text", "text": text})
		if err != nil {
			t.Fatal(err)
		}
		want, err := canonical.Transform(generic)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Errorf("TextBody(%q)\n got %s\nwant %s", text, got, want)
		}
	}
}

// Invalid UTF-8 becomes U+FFFD, one per bad byte, as encoding/json reads it.
func TestTextBodyInvalidUTF8(t *testing.T) {
	got := TextBody("a\xff\xfeb")
	if want := `{"text":"a\ufffd\ufffdb","type":"text"}`; string(got) != strings.ReplaceAll(want, `\ufffd`, "\uFFFD") {
		t.Fatalf("got %s", got)
	}
}
