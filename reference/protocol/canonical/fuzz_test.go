package canonical

import (
	"bytes"
	"testing"

	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// FuzzTransform checks that Transform never panics, fails only with
// bad_encoding, is idempotent, and that Protocol accepts a subset of what
// Transform accepts with the same output.
func FuzzTransform(f *testing.F) {
	for _, s := range []string{`{"b":1,"a":[true,null,"x"]}`, `"\ud83d\ude00"`, `[1e30,4.50,-0]`, `{"a":1,"a":2}`, `"\ud800"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		out, err := Transform(raw)
		if err != nil {
			if wire.DefectOf(err) != wire.BadEncoding {
				t.Fatalf("Transform(%q): %v is not a bad_encoding error", raw, err)
			}
			if _, perr := Protocol(raw); perr == nil {
				t.Fatalf("Protocol(%q) accepts what Transform rejects (%v)", raw, err)
			}
			return
		}
		again, err := Transform(out)
		if err != nil || !bytes.Equal(again, out) {
			t.Fatalf("Transform not idempotent on %q: %q, then %q, %v", raw, out, again, err)
		}
		if pout, err := Protocol(raw); err == nil && !bytes.Equal(pout, out) {
			t.Fatalf("Protocol(%q) = %q, Transform = %q", raw, pout, out)
		}
	})
}

// FuzzAgainstJCS is the differential test of the single-pass
// canonicaliser: on any input, Transform and Protocol agree with the
// previous implementation (the strict encoding/json check, then
// github.com/gowebpki/jcs; see oracle_test.go). Both reject, with
// bad_encoding, or both accept with identical bytes.
func FuzzAgainstJCS(f *testing.F) {
	for _, s := range differentialSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		agree(t, "Transform", raw, Transform, oldTransform)
		agree(t, "Protocol", raw, Protocol, oldProtocol)
	})
}

// agree fails t unless the new and the old canonicaliser give the same
// verdict and the same bytes on raw.
func agree(t *testing.T, name string, raw []byte, fresh, old func([]byte) ([]byte, error)) {
	t.Helper()
	got, err := fresh(raw)
	want, wantErr := old(raw)
	switch {
	case err != nil && wire.DefectOf(err) != wire.BadEncoding:
		t.Fatalf("%s(%q): %v is not a bad_encoding error", name, raw, err)
	case (err == nil) != (wantErr == nil):
		t.Fatalf("%s(%q) = %q, %v; the jcs path gives %q, %v", name, raw, got, err, want, wantErr)
	case !bytes.Equal(got, want):
		t.Fatalf("%s(%q) = %q; the jcs path gives %q", name, raw, got, want)
	}
}

// differentialSeeds start FuzzAgainstJCS and run as TestAgainstJCS.
var differentialSeeds = []string{
	`{"b":1,"a":[true,null,"x"]}`,
	`{"z":{"y":{"b":2,"a":1},"x":[{"d":0,"c":-1}]},"a":"\u00e9\t\"\\\/"}`,
	`{"\ufb33":1,"\ud83d\ude00":2,"\u20ac":3,"\u0080":4,"1":5,"\r":6}`,
	`{"a":1,"\u0061":2}`,
	`{"x":[{"y":{"b":1,"c":2,"b":3}}]}`,
	`[1e30,4.50,-0,0.000001,1e-7,123456789012345678901234567890,9007199254740993,1E400,-1e-400]`,
	`[0,-1,9007199254740991,-9007199254740991,9007199254740992,1.0,1e3,01]`,
	`"\ud800"`, `"\udc00"`, `"\ud83d\u0041"`, `"\ud83d\ude00"`, `"\u0000\u001f\u007f\b\f\n\r\t"`,
	"\"\xff\"", "\"a\x01\"", " \n{\"a\" : [ 1 , 2 ] }\t", `{} {}`, `{"a":1,}`, `[1,]`, `[1 2]`,
	`tru`, `nul`, `true false`, `-`, `1.`, `.5`, `1e`, `1e+`, `--1`, `[,]`, `{:1}`, `{"a"1}`,
	`{"sig":"s","prev":{"sig":"p","sign_key":"k"},"a":1}`,
}

// TestAgainstJCS runs the differential seeds (the fuzz corpus runs under
// FuzzAgainstJCS).
func TestAgainstJCS(t *testing.T) {
	for _, s := range differentialSeeds {
		agree(t, "Transform", []byte(s), Transform, oldTransform)
		agree(t, "Protocol", []byte(s), Protocol, oldProtocol)
	}
}
