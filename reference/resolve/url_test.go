package resolve

import (
	"testing"

	"github.com/emsg-project/emsg/reference/protocol/wire"
)

func TestURL(t *testing.T) {
	table := mustParse(t, "a.test=127.0.0.1:7001")
	tests := []struct {
		domain, path string
		want         string // "" when an error is expected
	}{
		// Happy path: the scheme follows the table, the host is always the domain.
		{"a.test", "/emsg/v1/health", "http://a.test/emsg/v1/health"},                           // mapped: plain HTTP
		{"im.example.com", "/emsg/v1/health", "https://im.example.com/emsg/v1/health"},          // unmapped: HTTPS
		{"b.test", "/.well-known/emsg", "https://b.test/.well-known/emsg"},                      // a .test domain not in the table
		{"A.Test", "/", "http://a.test/"},                                                       // the domain is case folded
		{"a.test", "/emsg/v1/keys/alice%23a.test", "http://a.test/emsg/v1/keys/alice%23a.test"}, // "#" sent as %23
		{"a.test", "/emsg/v1/stream?since=7", "http://a.test/emsg/v1/stream?since=7"},           // a query

		// Sad path: the domain.
		{"localhost", "/", ""}, // single label
		{"a.test.", "/", ""},   // trailing dot
		{"127.0.0.1", "/", ""}, // an IP address
		{"", "/", ""},          // empty
		{"a.test:80", "/", ""}, // a port

		// Sad path: the path.
		{"a.test", "", ""},                           // empty: a target starts with "/"
		{"a.test", "emsg/v1/health", ""},             // relative
		{"a.test", "//evil.example/x", ""},           // scheme-relative: another host
		{"a.test", "/emsg/v1/keys/alice#a.test", ""}, // raw "#" would be a fragment
		{"a.test", "/a b", ""},                       // space
		{"a.test", "/caf\u00e9", ""},                 // non-ASCII
		{"a.test", "/x\x00", ""},                     // control character
		{"a.test", "/%zz", ""},                       // bad escape
	}
	for _, tt := range tests {
		got, err := table.URL(tt.domain, tt.path)
		switch {
		case tt.want == "" && err == nil:
			t.Errorf("URL(%q, %q) = %q, want an error", tt.domain, tt.path, got)
		case tt.want != "" && (err != nil || got != tt.want):
			t.Errorf("URL(%q, %q) = %q, %v; want %q", tt.domain, tt.path, got, err, tt.want)
		}
	}
}

func TestBaseURLAndWebSocketURL(t *testing.T) {
	table := mustParse(t, "a.test=127.0.0.1:7001")
	tests := []struct {
		domain, base, ws string
	}{
		{"a.test", "http://a.test", "ws://a.test/emsg/v1/stream"},                                 // mapped
		{"b.test", "https://b.test", "wss://b.test/emsg/v1/stream"},                               // unmapped
		{"chat.example.org", "https://chat.example.org", "wss://chat.example.org/emsg/v1/stream"}, // unmapped, real domain
	}
	for _, tt := range tests {
		if got, err := table.BaseURL(tt.domain); err != nil || got != tt.base {
			t.Errorf("BaseURL(%q) = %q, %v; want %q", tt.domain, got, err, tt.base)
		}
		if got, err := table.WebSocketURL(tt.domain, "/emsg/v1/stream"); err != nil || got != tt.ws {
			t.Errorf("WebSocketURL(%q) = %q, %v; want %q", tt.domain, got, err, tt.ws)
		}
	}
	// Sad path: a bad domain is a bad_address, a bad path an error.
	if _, err := table.BaseURL("alice#a.test"); wire.DefectOf(err) != wire.BadAddress {
		t.Errorf("BaseURL of an address: got %v, want bad_address", err)
	}
	if _, err := table.WebSocketURL("a.test", "stream"); err == nil {
		t.Error("WebSocketURL with a relative path: got no error")
	}
}
