package store

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// openTest opens a store in a fresh directory, closed at the end of the test.
func openTest(t testing.TB) (*Store, string) {
	t.Helper()
	dir := t.TempDir()
	s, err := Open(dir)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s, dir
}

// mustUpdate runs op and fails the test if it is refused.
func mustUpdate(t testing.TB, s *Store, op func(*Tx) error) {
	t.Helper()
	if err := s.Update(context.Background(), op); err != nil {
		t.Fatalf("Update: %v", err)
	}
}

// mustView runs op read-only and fails the test on error.
func mustView(t testing.TB, s *Store, op func(*Tx) error) {
	t.Helper()
	if err := s.View(op); err != nil {
		t.Fatalf("View: %v", err)
	}
}

// wantErr checks that err is (wraps) want; want nil means success.
func wantErr(t testing.TB, what string, err, want error) {
	t.Helper()
	switch {
	case want == nil && err != nil:
		t.Errorf("%s: got error %v, want success", what, err)
	case want != nil && !errors.Is(err, want):
		t.Errorf("%s: got error %v, want %v", what, err, want)
	}
}

// gate holds the committer inside one transaction until released, so the
// requests queued meanwhile form the next group together.
type gate struct {
	entered, release chan struct{}
	done             chan error
}

// closeGate starts a blocking Update and waits until it runs.
func closeGate(t testing.TB, s *Store) *gate {
	t.Helper()
	g := &gate{entered: make(chan struct{}), release: make(chan struct{}), done: make(chan error, 1)}
	go func() {
		g.done <- s.Update(context.Background(), func(*Tx) error {
			close(g.entered)
			<-g.release
			return nil
		})
	}()
	<-g.entered
	return g
}

// open releases the gate and waits for its own commit.
func (g *gate) open(t testing.TB) {
	t.Helper()
	close(g.release)
	if err := <-g.done; err != nil {
		t.Fatalf("gate Update: %v", err)
	}
}

// waitQueued waits until n requests wait in the committer's channel.
func waitQueued(t testing.TB, s *Store, n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for len(s.c.reqs) < n {
		if time.Now().After(deadline) {
			t.Fatalf("queued requests: got %d, want %d", len(s.c.reqs), n)
		}
		time.Sleep(time.Millisecond)
	}
}

// millis converts a test time.
func millis(ms int64) wire.Millis { return wire.Millis(ms) }
