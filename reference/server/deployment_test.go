package server

import (
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/emsg-project/emsg/reference/server/config"
)

func TestDeploymentServesEveryDomainByName(t *testing.T) {
	base := config.Defaults()
	base.DataDir = t.TempDir()
	d, err := StartDeployment(base, []string{"a.test", "b.test", "c.test"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = d.Shutdown(context.Background()) })

	if got := strings.Join(d.Resolver().Domains(), ","); got != "a.test,b.test,c.test" {
		t.Fatalf("resolver domains = %s", got)
	}
	client := d.Resolver().Client(nil)
	for _, domain := range d.Resolver().Domains() {
		url, err := d.Resolver().URL(domain, "/.well-known/emsg")
		if err != nil {
			t.Fatal(err)
		}
		resp, err := client.Get(url)
		if err != nil {
			t.Fatalf("%s: %v", domain, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !strings.Contains(string(body), `"domain":"`+domain+`"`) {
			t.Errorf("%s answered for another domain: %s", domain, body)
		}
	}
	for _, s := range d.Servers() {
		if !s.Resolver().Equal(d.Resolver()) {
			t.Errorf("%s knows the table %s, want %s", s.Domain(), s.Resolver(), d.Resolver())
		}
		if want := filepath.Join(base.DataDir, s.Domain()); s.cfg.DataDir != want {
			t.Errorf("%s stores its data in %s, want %s", s.Domain(), s.cfg.DataDir, want)
		}
	}
}

func TestDeploymentRefusesARepeatedDomain(t *testing.T) {
	base := config.Defaults()
	base.DataDir = t.TempDir()
	if _, err := StartDeployment(base, []string{"a.test", "a.test"}); err == nil {
		t.Fatal("a deployment with a.test twice started")
	}
}
