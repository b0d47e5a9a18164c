package client

import (
	"context"
	"fmt"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/reference/resolve"
	"github.com/emsg-project/emsg/reference/server"
	"github.com/emsg-project/emsg/reference/server/config"
)

// testTimeout bounds every wait of a test.
const testTimeout = 20 * time.Second

// startLab runs a reference server for a.test on loopback and returns the
// table that reaches it.
func startLab(t *testing.T) resolve.Table {
	t.Helper()
	base := config.Defaults()
	base.DataDir = t.TempDir()
	d, err := server.StartDeployment(base, []string{"a.test"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
		defer cancel()
		_ = d.Shutdown(ctx)
	})
	return d.Resolver()
}

// seeds makes every client of a test draw different randomness, also
// when a directory is opened again.
var seeds atomic.Int64

// testDeps are seeded randomness and the wall clock, which the server's
// ±300 s checks need.
func testDeps(t *testing.T) wire.Deps {
	return wire.Deps{Rand: wire.NewSeededReader(fmt.Sprintf("%s/%d", t.Name(), seeds.Add(1))), Now: time.Now}
}

// openClient opens the client of dir.
func openClient(t *testing.T, dir string, table resolve.Table, opts ...Option) *Client {
	t.Helper()
	c, err := New(dir, table, append([]Option{WithDeps(testDeps(t))}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// registered opens a client in a fresh directory and registers addr.
func registered(t *testing.T, table resolve.Table, addr string, opts ...Option) *Client {
	t.Helper()
	c := openClient(t, filepath.Join(t.TempDir(), addr), table, opts...)
	if err := c.Register(bounded(t), address.MustParse(addr)); err != nil {
		t.Fatalf("register %s: %v", addr, err)
	}
	return c
}

// bounded is a context that ends with the test or after testTimeout.
func bounded(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	t.Cleanup(cancel)
	return ctx
}

// listener is a running Listen and what it delivered.
type listener struct {
	messages chan Message
	notices  chan Notice
	ready    chan uint64
	cancel   context.CancelFunc
	done     chan error
}

// listen starts c.Listen until the test ends or stop is called.
func listen(t *testing.T, c *Client) *listener {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	l := &listener{
		messages: make(chan Message, 100),
		notices:  make(chan Notice, 100),
		ready:    make(chan uint64, 100),
		cancel:   cancel,
		done:     make(chan error, 1),
	}
	h := Handler{
		Message:   func(m Message) { l.messages <- m },
		Notice:    func(n Notice) { l.notices <- n },
		Connected: func(from uint64) { l.ready <- from },
	}
	go func() { l.done <- c.Listen(ctx, h) }()
	t.Cleanup(func() { l.stop(t) })
	return l
}

// stop ends the Listen and waits for it, within testTimeout.
func (l *listener) stop(t *testing.T) {
	t.Helper()
	l.cancel()
	select {
	case err, ok := <-l.done:
		if ok && err != context.Canceled {
			t.Errorf("Listen returned %v, want context.Canceled", err)
		}
		if ok {
			close(l.done)
		}
	case <-time.After(testTimeout):
		t.Fatal("Listen did not return after its context ended")
	}
}

// nextMessage waits for the next message.
func (l *listener) nextMessage(t *testing.T) Message {
	t.Helper()
	select {
	case m := <-l.messages:
		return m
	case <-time.After(testTimeout):
		t.Fatal("no message arrived")
	}
	return Message{}
}

// nextNotice waits for the next notice of kind, skipping others.
func (l *listener) nextNotice(t *testing.T, kind NoticeKind) Notice {
	t.Helper()
	deadline := time.After(testTimeout)
	for {
		select {
		case n := <-l.notices:
			if n.Kind == kind {
				return n
			}
		case <-deadline:
			t.Fatalf("no %s notice arrived", kind)
		}
	}
}

// nextReady waits for the stream to open and returns its resume_from.
func (l *listener) nextReady(t *testing.T) uint64 {
	t.Helper()
	select {
	case from := <-l.ready:
		return from
	case <-time.After(testTimeout):
		t.Fatal("the stream did not open")
	}
	return 0
}
