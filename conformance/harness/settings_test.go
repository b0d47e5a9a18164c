package harness

import (
	"slices"
	"testing"
	"time"
)

func TestServerSettings(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want []string // environ of the settings
	}{
		{"the short timers", Defaults(), []string{"EMSG_FEDERATION_TIMEOUT=3s", "EMSG_SESSION_ACK_WAIT=3s"}},
		{"scaled by the multiplier, the ack wait never beyond the spec's 30 s", Config{Kind: KindExec, Timeouts: 20},
			[]string{"EMSG_FEDERATION_TIMEOUT=1m0s", "EMSG_SESSION_ACK_WAIT=30s"}},
		{"a setting over them, and one dropped", Config{Kind: KindEmbedded, Timeouts: 1,
			Settings: map[string]string{"EMSG_SESSION_ACK_WAIT": "", "EMSG_MAX_TTL": "60"}},
			[]string{"EMSG_FEDERATION_TIMEOUT=3s", "EMSG_MAX_TTL=60"}},
		{"none for servers already running", Config{Kind: KindExternal, Timeouts: 1}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := environ(tc.cfg.ServerSettings()); !slices.Equal(got, tc.want) {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
	if d := Defaults().ServerDuration(SettingFederationTimeout); d != 3*time.Second {
		t.Errorf("ServerDuration = %v, want 3s", d)
	}
}

func TestParseSettings(t *testing.T) {
	got, err := parseSettings("EMSG_SESSION_ACK_WAIT=5s, EMSG_FEDERATION_TIMEOUT=")
	if err != nil || got["EMSG_SESSION_ACK_WAIT"] != "5s" || got["EMSG_FEDERATION_TIMEOUT"] != "" || len(got) != 2 {
		t.Errorf("got %v, %v", got, err)
	}
	for _, bad := range []string{"EMSG_X", "PATH=/bin"} {
		if _, err := parseSettings(bad); err == nil {
			t.Errorf("%q: no error, want one", bad)
		}
	}
}
