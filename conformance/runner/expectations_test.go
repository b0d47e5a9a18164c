package runner

import (
	"strings"
	"testing"
)

func TestParseExpectations(t *testing.T) {
	tests := []struct {
		name    string
		yaml    string
		wantErr string // "" for success
	}{
		// happy path
		{"a requirement with its reason", "known_failures:\n  - requirement: ENV-TS-01\n    reason: clock\n", ""},
		{"a case with its reason", "implementation: x\nknown_failures:\n  - case: core/a\n    reason: r\n", ""},
		{"no entries", "implementation: x\n", ""},
		// sad path
		{"no reason", "known_failures:\n  - requirement: ENV-TS-01\n", "want a case or a requirement, and a reason"},
		{"both a case and a requirement", "known_failures:\n  - requirement: A-01\n    case: b\n    reason: r\n", "want a case"},
		{"an unknown field, a typo of reason", "known_failures:\n  - requirement: A-01\n    reasn: r\n", "unknown field"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseExpectations([]byte(tc.yaml))
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("got %v, want success", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Fatalf("got %v, want an error mentioning %q", err, tc.wantErr)
			}
		})
	}
}

func TestExpectationsTurnVerdicts(t *testing.T) {
	e, err := ParseExpectations([]byte("known_failures:\n  - requirement: ENV-TS-01\n    reason: clock skew\n"))
	if err != nil {
		t.Fatal(err)
	}
	if r, ok := e.known("core/x", []string{"ENV-ID-01", "ENV-TS-01"}); !ok || r != "clock skew" {
		t.Errorf("a case citing a listed requirement: got %q %v, want the reason", r, ok)
	}
	if _, ok := e.known("core/x", []string{"ENV-ID-01"}); ok {
		t.Error("a case citing no listed requirement is known")
	}
}

func FuzzParseExpectations(f *testing.F) {
	f.Add([]byte("known_failures:\n  - requirement: ENV-TS-01\n    reason: r\n"))
	f.Add([]byte("implementation: x\nversion: 1\n"))
	f.Add([]byte("known_failures: [{case: a, reason: b}]"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		e, err := ParseExpectations(raw)
		if err != nil {
			return
		}
		for _, k := range e.KnownFailures {
			if k.Reason == "" || (k.Case == "") == (k.Requirement == "") {
				t.Fatalf("accepted an entry without a reason or target: %+v", k)
			}
		}
	})
}
