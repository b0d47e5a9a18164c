package harness

import (
	"context"
	"strings"
	"testing"
)

// TestEmbeddedLaunch starts an extra reference server with a good table
// and refuses one with a bad entry, naming it.
func TestEmbeddedLaunch(t *testing.T) {
	ctx := context.Background()
	c := Defaults()
	c.Domains, c.Peers = []string{"a.test"}, nil
	dep, err := Start(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	defer dep.Close(ctx)
	l := dep.(Launcher)
	ok, err := l.Launch(ctx, LaunchSpec{Domain: "extra.test", Resolve: "x.test=127.0.0.1:9", ResolveFile: "# only a comment\n\n"})
	if err != nil || ok.Refused || ok.Addr == "" {
		t.Fatalf("a good table: %+v, %v", ok, err)
	}
	if err := waitHealthy(ctx, "extra.test", ok.Addr, healthTimeout); err != nil {
		t.Fatal(err)
	}
	if err := ok.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	bad, err := l.Launch(ctx, LaunchSpec{Domain: "refused.test", ResolveFile: "dup.test 127.0.0.1:1\ndup.test 127.0.0.1:2\n"})
	if err != nil || !bad.Refused || !strings.Contains(bad.Output, "dup.test") {
		t.Fatalf("a domain mapped twice: %+v, %v, want a refusal naming dup.test", bad, err)
	}
	refused, err := l.Launch(ctx, LaunchSpec{Domain: "settings.test", Settings: map[string]string{"EMSG_SESSION_TICKET_TTL": "25h"}})
	if err != nil || !refused.Refused || !strings.Contains(refused.Output, "EMSG_SESSION_TICKET_TTL") {
		t.Fatalf("a setting the reference refuses: %+v, %v, want a refusal naming it", refused, err)
	}
	if addr, err := dep.(Backends).Backend("a.test"); err != nil || addr == "" {
		t.Fatalf("Backend(a.test) = %q, %v", addr, err)
	}
}
