package wire

import (
	"encoding/json"
	"testing"
)

func TestDecodeBytes(t *testing.T) {
	tests := []struct {
		in     string
		want   string // hex of the decoded value; "" with wantOK=false means rejected
		wantOK bool
	}{
		// happy path
		{"", "", true},           // the empty value
		{"AQID", "010203", true}, // no padding needed
		{"AQI", "0102", true},    // unpadded final group
		{"-_8", "fbff", true},    // the URL-safe alphabet
		// sad path
		{"AQI=", "", false}, // padding is not allowed
		{"+/8", "", false},  // the standard alphabet is not allowed
		{"AQJ", "", false},  // non-zero trailing bits: a second encoding of 0x0102
		{"A", "", false},    // impossible length
		{"AQ D", "", false}, // whitespace
	}
	for _, tt := range tests {
		got, err := DecodeBytes(tt.in)
		if (err == nil) != tt.wantOK {
			t.Errorf("DecodeBytes(%q): err = %v, want ok=%v", tt.in, err, tt.wantOK)
			continue
		}
		if err != nil {
			if DefectOf(err) != BadEncoding {
				t.Errorf("DecodeBytes(%q): defect %q, want %q", tt.in, DefectOf(err), BadEncoding)
			}
			continue
		}
		if hex := hexOf(got); hex != tt.want {
			t.Errorf("DecodeBytes(%q) = %s, want %s", tt.in, hex, tt.want)
		}
	}
}

func TestBytesJSONRoundTrip(t *testing.T) {
	in := Bytes{0xfb, 0xff, 0x00}
	raw, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if string(raw) != `"-_8A"` {
		t.Fatalf("marshal = %s, want \"-_8A\"", raw)
	}
	var out Bytes
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatal(err)
	}
	if hexOf(out) != hexOf(in) {
		t.Fatalf("round trip = %x, want %x", out, in)
	}
	if err := json.Unmarshal([]byte(`12`), &out); DefectOf(err) != BadEncoding {
		t.Fatalf("number as bytes: got %v, want bad_encoding", err)
	}
}

func TestFixed(t *testing.T) {
	if _, err := (Bytes{1, 2}).Fixed("sign_key", 32); DefectOf(err) != BadKey {
		t.Fatalf("short key: got %v, want bad_key", err)
	}
	if b, err := make(Bytes, 32).Fixed("sign_key", 32); err != nil || len(b) != 32 {
		t.Fatalf("32-byte key: got %d bytes, %v", len(b), err)
	}
}

func hexOf(b []byte) string {
	const digits = "0123456789abcdef"
	out := make([]byte, 0, 2*len(b))
	for _, c := range b {
		out = append(out, digits[c>>4], digits[c&15])
	}
	return string(out)
}
