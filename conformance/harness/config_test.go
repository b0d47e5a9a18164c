package harness

import (
	"strings"
	"testing"
	"time"
)

func TestFromEnv(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		check   func(Config) bool
		wantErr string
	}{
		// happy path
		{"nothing set: the embedded three-domain lab", nil, func(c Config) bool {
			return c.Kind == KindEmbedded && len(c.Domains) == 3 && c.Peers[0] == "x.test" && c.Timeouts == 1
		}, ""},
		{"an exec command and a multiplier", map[string]string{"EMSG_CONFORM_TARGET": "exec", "EMSG_CONFORM_COMMAND": "srv {domain}", "EMSG_CONFORM_TIMEOUT_MULTIPLIER": "2.5"},
			func(c Config) bool { return c.Kind == KindExec && c.Scale(time.Second) == 2500*time.Millisecond }, ""},
		{"no fake peer", map[string]string{"EMSG_CONFORM_PEERS": "none"}, func(c Config) bool { return len(c.Peers) == 0 }, ""},
		{"one image for every domain", map[string]string{"EMSG_CONFORM_TARGET": "container", "EMSG_CONFORM_IMAGES": "mine:1"},
			func(c Config) bool { return c.Images[0] == "mine:1" }, ""},
		// sad path
		{"exec without a command", map[string]string{"EMSG_CONFORM_TARGET": "exec"}, nil, "no command template"},
		{"two images for three domains", map[string]string{"EMSG_CONFORM_TARGET": "container", "EMSG_CONFORM_IMAGES": "a,b"}, nil, "one per domain"},
		{"an unknown target", map[string]string{"EMSG_CONFORM_TARGET": "vm"}, nil, "want embedded, exec"},
		{"a zero multiplier", map[string]string{"EMSG_CONFORM_TIMEOUT_MULTIPLIER": "0"}, nil, "positive number"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := FromEnv(func(k string) string { return tc.env[k] })
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("got %v, want an error mentioning %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || !tc.check(c) {
				t.Fatalf("got %+v, %v", c, err)
			}
		})
	}
}
