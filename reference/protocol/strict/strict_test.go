package strict

import (
	"testing"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// noteShape is a small object with every kind of member the readers know.
var noteShape = Shape{
	Type:     "note",
	Version:  1,
	Members:  []string{"type", "v", "id", "from", "host", "key", "ts", "n", "ok", "tags", "meta"},
	Optional: []string{"extra"},
}

const goodNote = `{"type":"note","v":1,"id":"01HF7YAT00011WPRHPQ49SFGWC","from":"alice#a.test","host":"a.test",` +
	`"key":"AAECAw","ts":1700000000000,"n":-3,"ok":true,"tags":[{"name":"x"}],"meta":{"name":"y"}}`

var tagShape = Shape{Members: []string{"name"}}

// readNote reads every member of a note, the way a decoder does.
func readNote(raw string) (*Reader, error) {
	r, err := Read([]byte(raw), noteShape)
	if err != nil {
		return nil, err
	}
	r.ULID("id")
	r.Address("from")
	r.Domain("host")
	r.Bytes("key", 4)
	r.Millis("ts")
	r.Int("n")
	r.Bool("ok")
	for _, e := range r.Array("tags") {
		r.Object(e.Raw, e.Where, tagShape).String("name")
	}
	r.Member("meta", tagShape).String("name")
	return r, r.Err()
}

func TestReadAcceptsAGoodObject(t *testing.T) {
	r, err := readNote(goodNote)
	if err != nil {
		t.Fatalf("good note rejected: %v", err)
	}
	if r.Has("extra") {
		t.Fatal("Has(extra) = true for an absent optional member")
	}
	if got := r.Millis("ts"); got != 1_700_000_000_000 {
		t.Fatalf("ts = %d", got)
	}
}

func TestReadReportsOneDefectInOrder(t *testing.T) {
	tests := []struct {
		name  string
		raw   string
		want  wire.Defect
		field string
	}{
		// the JSON text comes first
		{"not JSON", `{"type":`, wire.BadEncoding, ""},
		{"duplicate member", `{"type":"note","type":"note"}`, wire.BadEncoding, ""},
		{"a fraction", replace(goodNote, `"n":-3`, `"n":-3.5`), wire.BadEncoding, ""},
		// then the shape, the type and the version
		{"an array", `[1]`, wire.Malformed, ""},
		{"other type, also a bad version", replace(replace(goodNote, `"note"`, `"memo"`), `"v":1`, `"v":2`), wire.Malformed, "/type"},
		{"later version, also an unknown member", replace(replace(goodNote, `"v":1`, `"v":2`), `"ok":true`, `"ok":true,"zz":1`), wire.UnsupportedVersion, "/v"},
		// then the member set: unknown, null, missing
		{"unknown member, also a missing one", replace(goodNote, `"n":-3`, `"zz":1`), wire.Malformed, "/zz"},
		{"null member", replace(goodNote, `"ok":true`, `"ok":null`), wire.Malformed, "/ok"},
		{"missing member", replace(goodNote, `"n":-3,`, ``), wire.Malformed, "/n"},
		// then each member in reading order
		{"id in lower case", replace(goodNote, `01HF7YAT00011WPRHPQ49SFGWC`, `01hf7yat00011wprhpq49sfgwc`), wire.Malformed, "/id"},
		{"from not canonical, also bad host", replace(replace(goodNote, `alice#a.test`, `Alice#a.test`), `"a.test"`, `"a"`), wire.BadAddress, "/from"},
		{"host an IP literal", replace(goodNote, `"host":"a.test"`, `"host":"10.0.0.1"`), wire.BadAddress, "/host"},
		{"key padded", replace(goodNote, `AAECAw`, `AAECAw==`), wire.BadEncoding, "/key"},
		{"key too short", replace(goodNote, `AAECAw`, `AAEC`), wire.Malformed, "/key"},
		{"ts negative", replace(goodNote, `1700000000000`, `-1`), wire.Malformed, "/ts"},
		{"ts a string", replace(goodNote, `1700000000000`, `"1"`), wire.Malformed, "/ts"},
		{"ok a number", replace(goodNote, `"ok":true`, `"ok":1`), wire.Malformed, "/ok"},
		{"tags an object", replace(goodNote, `[{"name":"x"}]`, `{"name":"x"}`), wire.Malformed, "/tags"},
		{"tag with an unknown member", replace(goodNote, `{"name":"x"}`, `{"name":"x","a~b":1}`), wire.Malformed, "/tags/0/a~0b"},
		{"meta name a number", replace(goodNote, `"meta":{"name":"y"}`, `"meta":{"name":7}`), wire.Malformed, "/meta/name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := readNote(tt.raw)
			if got := wire.DefectOf(err); got != tt.want {
				t.Fatalf("defect %q, want %q (%v)", got, tt.want, err)
			}
			if tt.field == "" {
				return
			}
			if got := fieldOf(err); got != tt.field {
				t.Fatalf("field %q, want %q (%v)", got, tt.field, err)
			}
		})
	}
}

func TestOneOf(t *testing.T) {
	r, err := Read([]byte(`{"role":"owner"}`), Shape{Members: []string{"role"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := r.OneOf("role", "owner", "member"); got != "owner" || r.Err() != nil {
		t.Fatalf("OneOf = %q, %v", got, r.Err())
	}
	r.OneOf("role", "admin")
	if wire.DefectOf(r.Err()) != wire.Malformed {
		t.Fatalf("OneOf outside the set: %v, want malformed", r.Err())
	}
}

func TestAtKeepsTheLowerLayersDefectAndReason(t *testing.T) {
	_, cause := address.ParseCanonical("Bob#b.test")
	err := At("/peer", cause)
	if wire.DefectOf(err) != wire.BadAddress || fieldOf(err) != "/peer" {
		t.Fatalf("At = %v", err)
	}
	if address.ReasonOf(err) != address.NotCanonical {
		t.Fatalf("reason lost: %q", address.ReasonOf(err))
	}
	if At("/x", nil) != nil {
		t.Fatal("At(nil) is not nil")
	}
}

func TestPointer(t *testing.T) {
	if got := Pointer(Index("/contacts", 2), "a/b~c"); got != "/contacts/2/a~1b~0c" {
		t.Fatalf("Pointer = %q", got)
	}
}

func replace(s, old, new string) string {
	for i := 0; i+len(old) <= len(s); i++ {
		if s[i:i+len(old)] == old {
			return s[:i] + new + s[i+len(old):]
		}
	}
	panic("replace: " + old + " not found")
}

func fieldOf(err error) string {
	var e *wire.Error
	if !asWireError(err, &e) {
		return ""
	}
	return e.Field
}
