package loadgen

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestParseScenario decodes scenario files strictly over the defaults.
func TestParseScenario(t *testing.T) {
	tests := []struct {
		name, yaml string
		wantErr    string // a substring of the error; "" for success
		check      func(Scenario) bool
	}{
		// happy path
		{"an empty file is the default scenario", "", "", func(s Scenario) bool { return s.Users() == 3000 }},
		{"keys override the defaults and keep the rest", "users_per_domain: 10\ncontacts: {count: 3}", "",
			func(s Scenario) bool {
				return s.Users() == 30 && s.Contacts.Count == 3 && s.Contacts.CrossDomain == 0.6
			}},
		{"durations are written with units", "drain: 2m", "", func(s Scenario) bool { return s.Drain.D() == 2*time.Minute }},
		{"group and session traffic can be turned off", "groups: {share: 0}\nsessions: {share: 0}", "",
			func(s Scenario) bool { return s.Groups.Share == 0 && s.Sessions.Share == 0 && s.Check() == nil }},
		{"step mode replaces the stages", "step: {start: 10, factor: 2, every: 5s, max: 40, slo: 100ms}", "",
			func(s Scenario) bool { return len(s.StepStages()) == 3 && s.Duration() == 15*time.Second }},
		// sad path
		{"an unknown key is named", "user_per_domain: 10", "user_per_domain", nil},
		{"a duration without a unit", "drain: 30", `duration "30"`, nil},
		{"a share above one", "contacts: {cross_domain: 1.5}", "contacts.cross_domain", nil},
		{"a bad domain", "domains: [A_B]", "domains", nil},
		{"a repeated domain", "domains: [a.test, a.test]", "listed twice", nil},
		{"no stages", "stages: []", "stages", nil},
		{"an empty seed", "seed: ''", "seed", nil},
		{"a median outside the sizes", "traffic: {size: {median: 5, min: 10, max: 20}}", "traffic.size", nil},
		{"groups larger than an envelope holds", "groups: {max: 1000}", "groups", nil},
		{"group traffic without groups", "groups: {count: 0}", "groups.count", nil},
		{"a session share above one", "sessions: {share: 2}", "sessions.share", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := ParseScenario([]byte(tt.yaml))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("got error %v, want one naming %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !tt.check(s) {
				t.Errorf("got %+v", s)
			}
		})
	}
}

// TestScenarioFiles checks that the scenarios shipped in scenarios/ parse.
func TestScenarioFiles(t *testing.T) {
	files, _ := filepath.Glob("scenarios/*.yaml")
	if len(files) == 0 {
		t.Fatal("no scenario files")
	}
	for _, f := range files {
		if _, err := LoadScenario(f); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
	raw, _ := os.ReadFile("scenarios/default.yaml")
	s, _ := ParseScenario(raw)
	d := DefaultScenario()
	if s.Users() != d.Users() || s.Duration() != d.Duration() || s.Seed != d.Seed || s.Groups != d.Groups || s.Sessions != d.Sessions {
		t.Errorf("scenarios/default.yaml drifted from DefaultScenario")
	}
}

// FuzzParseScenario: any input parses or fails with an error, never a
// panic, and what parses passes Check.
func FuzzParseScenario(f *testing.F) {
	f.Add([]byte(""))
	f.Add([]byte("users_per_domain: 10\nstages: [{duration: 1s, rate: 5}]"))
	f.Add([]byte("step: {start: 10, factor: 2, every: 5s, max: 40, slo: 100ms}"))
	f.Add([]byte("domains: [a.test]\ncontacts: {count: 1}"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		s, err := ParseScenario(raw)
		if err == nil {
			if err := s.Check(); err != nil {
				t.Fatalf("parsed but fails Check: %v", err)
			}
		}
	})
}

// TestParseShard reads i/N.
func TestParseShard(t *testing.T) {
	tests := []struct {
		in string
		ok bool
	}{
		{"0/1", true},   // the whole run
		{"3/4", true},   // the last of four
		{"4/4", false},  // indices count from 0
		{"-1/4", false}, // negative
		{"1/0", false},  // no shards
		{"1", false},    // no count
		{"01/4", false}, // not canonical
	}
	for _, tt := range tests {
		if _, err := ParseShard(tt.in); (err == nil) != tt.ok {
			t.Errorf("ParseShard(%q): got error %v, want ok %v", tt.in, err, tt.ok)
		}
	}
}

// FuzzParseShard: no input panics, and what parses prints back the same.
func FuzzParseShard(f *testing.F) {
	for _, s := range []string{"0/1", "3/4", "4/4", "x/y", "1/-2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sh, err := ParseShard(s)
		if err == nil && sh.Count > 1 && sh.String() != s {
			t.Fatalf("ParseShard(%q) = %v, prints %q", s, sh, sh.String())
		}
	})
}
