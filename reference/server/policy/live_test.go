package policy

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/emsg-project/emsg/reference/server/config"
)

func testConfig(t *testing.T) config.Config {
	cfg := config.Defaults()
	cfg.Domain = "a.test"
	cfg.DataDir = t.TempDir()
	return cfg
}

func TestOpenStartsFromTheConfiguration(t *testing.T) {
	cfg := testConfig(t)
	cfg.Registration, cfg.MaxTTL, cfg.DefaultTTL, cfg.RateMessages = "invite", 100, 50, 7
	l, err := Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	p := l.Current()
	if p.Registration != "invite" || p.MaxTTL != 100 || p.DefaultTTL != 50 || p.RateLimits[RateMessages] != 7 || p.AutoJoin == nil {
		t.Errorf("got %+v, want the configuration's policy with an empty auto_join", p)
	}
}

func TestReplaceSurvivesARestartAndCopiesAreIndependent(t *testing.T) {
	cfg := testConfig(t)
	l, err := Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	want := Policy{Registration: "invite", AutoJoin: []string{"lobby#a.test"}, MaxTTL: 60, DefaultTTL: 30, RateLimits: map[string]int{"messages": 1}}
	if err := l.Replace(want); err != nil {
		t.Fatal(err)
	}
	want.RateLimits["messages"] = 99 // the caller's map is not the policy's
	got := l.Current()
	got.AutoJoin[0] = "changed#a.test" // nor is a reader's copy
	again, err := Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	p := again.Current()
	if p.Registration != "invite" || p.MaxTTL != 60 || p.RateLimits["messages"] != 1 || p.AutoJoin[0] != "lobby#a.test" {
		t.Errorf("after a restart: %+v", p)
	}
	if l.Current().AutoJoin[0] != "lobby#a.test" {
		t.Error("a reader's copy changed the policy in force")
	}
	if entries, _ := os.ReadDir(cfg.DataDir); len(entries) != 1 {
		t.Errorf("the data directory holds %d files, want policy.json only", len(entries))
	}
}

func TestOpenRefusesABrokenPolicyFile(t *testing.T) {
	cfg := testConfig(t)
	if err := os.WriteFile(filepath.Join(cfg.DataDir, FileName), []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(cfg); err == nil {
		t.Error("a broken policy.json was accepted")
	}
}

func TestOfFallsBackToTheConfiguration(t *testing.T) {
	cfg := testConfig(t)
	if p := Of(nil, cfg); p.MaxTTL != cfg.MaxTTL {
		t.Errorf("got %+v", p)
	}
}
