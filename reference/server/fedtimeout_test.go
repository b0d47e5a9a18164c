package server

import (
	"context"
	"net"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/emsg-project/emsg/reference/resolve"
	"github.com/emsg-project/emsg/reference/server/config"
)

// holdConnections accepts connections on a loopback listener and never
// answers on them: a peer that is reachable but silent, as one behind a
// network cut looks. It returns the listener's address.
func holdConnections(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var held []net.Conn
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			held = append(held, c)
		}
	}()
	t.Cleanup(func() {
		l.Close()
		<-done
		for _, c := range held {
			c.Close()
		}
	})
	return l.Addr().String()
}

// EMSG_FEDERATION_TIMEOUT bounds a key fetch from a silent peer: a.test,
// configured to give up after 200 ms, answers unavailable (KEY-FETCH-04)
// to a client that waits 5 s, half the built-in 10 s bound of a key fetch.
func TestFederationTimeoutBoundsAKeyFetch(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	table, err := resolve.Table{}.With("a.test", l.Addr().String())
	if err == nil {
		table, err = table.With("h.test", holdConnections(t))
	}
	if err != nil {
		t.Fatal(err)
	}
	cfg := config.Defaults()
	cfg.Domain, cfg.DataDir = "a.test", filepath.Join(t.TempDir(), "data")
	cfg.FederationTimeout = 200 * time.Millisecond
	s, err := New(cfg, WithResolver(table))
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- s.Serve(l) }()
	t.Cleanup(func() {
		_ = s.Shutdown(context.Background())
		<-served
	})
	client := table.Client(nil)
	client.Timeout = 5 * time.Second
	lab := &lab{t: t, table: table, client: client}
	alice := lab.newUser("alice#a.test")
	status, code, _ := lab.getKeys(alice, "someone#h.test")
	if status != http.StatusServiceUnavailable || code != "unavailable" {
		t.Errorf("GET the keys of someone#h.test: %d %s, want 503 unavailable", status, code)
	}
}

// The session host falls back after the configured ack wait; the rest of
// its timing is the spec's.
func TestSessionTimingTakesTheConfiguredAckWait(t *testing.T) {
	cfg := config.Defaults()
	cfg.SessionAckWait = 2 * time.Second
	got := sessionTiming(cfg)
	if got.AckWait != 2*time.Second || got.Idle != 600*time.Second {
		t.Errorf("timing %+v, want AckWait 2s and the spec's 600s idle", got)
	}
}
