package server

import (
	"bytes"
	"context"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/reference/server/config"
	"github.com/emsg-project/emsg/spec"
)

// newServer builds a server for a.test with a fresh data directory;
// features, when given, replace the configured ones.
func newServer(t *testing.T, features ...string) *Server {
	t.Helper()
	cfg := config.Defaults()
	cfg.Domain = "a.test"
	if len(features) > 0 {
		cfg.Features = features
	}
	cfg.DataDir = filepath.Join(t.TempDir(), "data")
	s, err := New(cfg, WithDeps(wire.Seeded("a.test", time.UnixMilli(1_700_000_000_000))))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Shutdown(context.Background()) })
	return s
}

// exchange sends a request to s and checks the request and its answer
// against the OpenAPI documents; it returns the answer.
func exchange(t *testing.T, s *Server, method, target string, body []byte) (*http.Response, []byte) {
	t.Helper()
	req := httptest.NewRequest(method, "http://a.test"+target, bytes.NewReader(body))
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	resp := rec.Result()
	respBody, _ := io.ReadAll(resp.Body)
	if err := spec.ValidateExchange(spec.ClientAPI, req, body, resp, respBody); err != nil {
		t.Errorf("%s %s: the answer breaks the spec: %v\n%s", method, target, err, respBody)
	}
	return resp, respBody
}

func TestDiscoveryAndHealthFollowTheSpec(t *testing.T) {
	s := newServer(t)
	resp, body := exchange(t, s, http.MethodGet, "/.well-known/emsg", nil)
	if resp.StatusCode != http.StatusOK || !bytes.Contains(body, []byte(`"domain":"a.test"`)) {
		t.Errorf("discovery: %d %s", resp.StatusCode, body)
	}
	if !bytes.Contains(body, []byte(`"features":["core","federation","groups","sessions","retention","migration","signals"]`)) {
		t.Errorf("discovery advertises features the server does not implement: %s", body)
	}
	if !bytes.Contains(body, []byte(wire.EncodeBytes(s.key.Public()))) {
		t.Errorf("discovery does not publish the server key: %s", body)
	}
	resp, body = exchange(t, s, http.MethodGet, "/emsg/v1/health", nil)
	if resp.StatusCode != http.StatusOK || string(body) != `{"status":"ok"}` {
		t.Errorf("health: %d %s", resp.StatusCode, body)
	}
}

func TestDiscoveryAdvertisesOnlyConfiguredFeatures(t *testing.T) {
	if got := advertised([]string{"x-unwritten"}); len(got) != 1 || got[0] != "core" {
		t.Fatalf("advertised(x-unwritten) = %v: core alone (x-unwritten is not implemented)", got)
	}
	if got := advertised([]string{"groups", "federation"}); len(got) != 3 || got[1] != "federation" || got[2] != "groups" {
		t.Fatalf("advertised(groups, federation) = %v, want core, federation and groups", got)
	}
}

func TestMissesAnswerInTheSpecsShape(t *testing.T) {
	s := newServer(t, "core", "federation") // groups not configured
	tests := []struct {
		name   string
		method string
		target string
		status int
		code   string
	}{
		// an endpoint this server does not offer (yet) is not_found, as a feature not advertised
		{"groups not offered", http.MethodGet, "/emsg/v1/groups", http.StatusNotFound, `"error":"not_found"`},
		// a path nothing serves
		{"unknown path", http.MethodGet, "/nowhere", http.StatusNotFound, `"error":"not_found"`},
		// a known path with another method
		{"POST to health", http.MethodPost, "/emsg/v1/health", http.StatusBadRequest, `"error":"bad_request"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			s.Handler().ServeHTTP(rec, httptest.NewRequest(tt.method, "http://a.test"+tt.target, nil))
			if rec.Code != tt.status || !bytes.Contains(rec.Body.Bytes(), []byte(tt.code)) {
				t.Fatalf("got %d %s, want %d with %s", rec.Code, rec.Body, tt.status, tt.code)
			}
			if err := spec.ValidateJSON("error", rec.Body.Bytes()); err != nil {
				t.Fatalf("the error answer breaks error.json: %v", err)
			}
		})
	}
}

func TestServerKeySurvivesRestart(t *testing.T) {
	cfg := config.Defaults()
	cfg.Domain = "a.test"
	cfg.DataDir = filepath.Join(t.TempDir(), "data")
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	again, err := New(s.cfg) // system randomness: a new key would differ
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = again.Shutdown(context.Background()) })
	if !bytes.Equal(again.key.Private, s.key.Private) || again.key.ID != s.key.ID {
		t.Fatal("a restarted server has another key; peers would reject its signatures")
	}
	info, err := os.Stat(filepath.Join(s.cfg.DataDir, serverKeyFile))
	if err != nil {
		t.Fatal(err)
	}
	if perm := info.Mode().Perm(); perm != 0o600 {
		t.Fatalf("server key file mode %v, want 0600", perm)
	}
	if info, _ := os.Stat(s.cfg.DataDir); info.Mode().Perm() != fs.FileMode(0o700) {
		t.Fatalf("data directory mode %v, want 0700", info.Mode().Perm())
	}
}

func TestNewRejects(t *testing.T) {
	cfg := config.Defaults() // no domain
	if _, err := New(cfg); err == nil {
		t.Fatal("New accepted a configuration without a domain")
	}
	cfg.Domain = "a.test"
	cfg.DataDir = t.TempDir()
	if err := os.WriteFile(filepath.Join(cfg.DataDir, serverKeyFile), []byte(`{"id":"k1"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := New(cfg); err == nil {
		t.Fatal("New accepted a corrupt server key file")
	}
}
