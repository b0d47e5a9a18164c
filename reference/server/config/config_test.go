package config

import (
	"bytes"
	"flag"
	"os"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite ENVIRONMENT.md")

// env returns a getenv over a map.
func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

// flags parses args with the registered flags.
func flags(t *testing.T, args ...string) map[string]*string {
	t.Helper()
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	vals := RegisterFlags(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	return vals
}

func TestLoadPrecedence(t *testing.T) {
	c, err := Load(flags(t, "--domain", "a.test", "--max-ttl", "600"),
		env(map[string]string{"EMSG_DOMAIN": "b.test", "EMSG_DEFAULT_TTL": "60", "EMSG_FEATURES": "core, federation,"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Domain != "a.test" {
		t.Errorf("Domain = %q: the flag must win over the environment", c.Domain)
	}
	if c.MaxTTL != 600 || c.DefaultTTL != 60 {
		t.Errorf("MaxTTL, DefaultTTL = %d, %d; want 600 (flag), 60 (environment)", c.MaxTTL, c.DefaultTTL)
	}
	if c.ReadHeaderTimeout != 30*time.Second || c.Listen != ":7000" {
		t.Errorf("defaults not applied: %v, %q", c.ReadHeaderTimeout, c.Listen)
	}
	if strings.Join(c.Features, "|") != "core|federation" {
		t.Errorf("Features = %q, want the list without empty items", c.Features)
	}
}

func TestLoadRejects(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want string // a fragment of the error
	}{
		// sad path
		{"no domain", nil, "EMSG_DOMAIN (--domain) is required"},
		{"upper-case domain", map[string]string{"EMSG_DOMAIN": "A.test"}, "not_canonical"},
		{"unknown registration policy", map[string]string{"EMSG_DOMAIN": "a.test", "EMSG_REGISTRATION": "closed"}, "neither open nor invite"},
		{"ttl not a number", map[string]string{"EMSG_DOMAIN": "a.test", "EMSG_MAX_TTL": "a week"}, "EMSG_MAX_TTL"},
		{"duration without unit", map[string]string{"EMSG_DOMAIN": "a.test", "EMSG_IDLE_TIMEOUT": "120"}, "not a duration"},
		{"default ttl above max", map[string]string{"EMSG_DOMAIN": "a.test", "EMSG_MAX_TTL": "60"}, "exceeds EMSG_MAX_TTL"},
		{"zero limit", map[string]string{"EMSG_DOMAIN": "a.test", "EMSG_MAX_TXN_ITEMS": "0"}, "at least 1"},
		{"more items than the protocol allows", map[string]string{"EMSG_DOMAIN": "a.test", "EMSG_MAX_TXN_ITEMS": "500"}, "exceeds 100"},
		{"no federation timeout", map[string]string{"EMSG_DOMAIN": "a.test", "EMSG_FEDERATION_TIMEOUT": "0s"}, "must be positive"},
		{"an ack wait beyond the spec's 30 s", map[string]string{"EMSG_DOMAIN": "a.test", "EMSG_SESSION_ACK_WAIT": "31s"}, "at most 30s"},
		{"certificate without key", map[string]string{"EMSG_DOMAIN": "a.test", "EMSG_TLS_CERT": "c.pem"}, "go together"},
		{"a ticket living beyond the spec's 24 h", map[string]string{"EMSG_DOMAIN": "a.test", "EMSG_SESSION_TICKET_TTL": "25h"}, "between 1s and 24h0m0s"},
		{"a ticket living less than a second", map[string]string{"EMSG_DOMAIN": "a.test", "EMSG_SESSION_TICKET_TTL": "500ms"}, "between 1s and 24h0m0s"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(flags(t), env(tt.env))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Load: %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

func TestEveryOptionIsDocumented(t *testing.T) {
	seen := map[string]bool{}
	for _, o := range options() {
		if !strings.HasPrefix(o.env, "EMSG_") || o.flag == "" || o.doc == "" {
			t.Errorf("field %s lacks env, flag or doc", o.field.Name)
		}
		if seen[o.env] || seen[o.flag] {
			t.Errorf("field %s repeats a variable or flag name", o.field.Name)
		}
		seen[o.env], seen[o.flag] = true, true
	}
	_ = Defaults() // panics on a default its type cannot hold
}

func TestEnvironmentMarkdownIsGenerated(t *testing.T) {
	var b bytes.Buffer
	if err := Markdown(&b); err != nil {
		t.Fatal(err)
	}
	const path = "../ENVIRONMENT.md"
	if *update {
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil || !bytes.Equal(got, b.Bytes()) {
		t.Fatalf("%s is out of date (%v); regenerate: go test ./reference/server/config -update", path, err)
	}
}
