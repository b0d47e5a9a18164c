package store

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/emsg-project/emsg/reference/protocol/wire"
)

var errRefused = errors.New("refused")

// groupOp is one operation of a forced group: it remembers (from "op",
// id name) unless it fails, and counts its runs.
type groupOp struct {
	name      string
	writeThen bool // write, then fail: the write must vanish
	fail      bool // fail before writing: a cheap refusal
	panics    bool // write, then panic
	want      error
	wantKept  bool  // the write survives
	wantRuns  int32 // how often the committer ran it
	runs      atomic.Int32
}

func (g *groupOp) op(tx *Tx) error {
	g.runs.Add(1)
	if g.fail {
		return errRefused
	}
	if err := tx.Remember("op", g.name, []byte(g.name), 0); err != nil {
		return err
	}
	switch {
	case g.writeThen:
		return errRefused
	case g.panics:
		panic("boom")
	}
	return nil
}

// TestPerOperationAtomicity forces operations into one group and checks that
// a failed operation leaves no trace while the others commit.
func TestPerOperationAtomicity(t *testing.T) {
	ops := []*groupOp{
		// Runs before the poisoned op: rolled back with it, re-run, kept.
		{name: "a", wantKept: true, wantRuns: 3},
		// Writes, then fails: its write must vanish; run once, then set aside.
		{name: "b", writeThen: true, want: errRefused, wantRuns: 1},
		// After b's rollback: kept; runs twice (only e's rollback re-runs it:
		// d's refusal costs no re-run).
		{name: "c", wantKept: true, wantRuns: 2},
		// Fails before writing: answered without rollback; re-run once
		// because e poisoned the attempt it was in.
		{name: "d", fail: true, want: errRefused, wantRuns: 2},
		// Panics after writing: an error for it alone, its write vanishes.
		{name: "e", panics: true, want: errPanicked, wantRuns: 1},
		// Last: runs once in the final attempt only.
		{name: "f", wantKept: true, wantRuns: 1},
	}
	s, _ := openTest(t)
	g := closeGate(t, s)
	errs := make([]chan error, len(ops))
	for i, o := range ops {
		errs[i] = make(chan error, 1)
		go func() { errs[i] <- s.Update(context.Background(), o.op) }()
		waitQueued(t, s, i+1) // queue in order
	}
	g.open(t)
	for i, o := range ops {
		wantErr(t, "op "+o.name, <-errs[i], o.want)
		if got := o.runs.Load(); got != o.wantRuns {
			t.Errorf("op %s ran %d times, want %d", o.name, got, o.wantRuns)
		}
	}
	mustView(t, s, func(tx *Tx) error {
		for _, o := range ops {
			_, ok, err := tx.Seen("op", o.name)
			if err != nil || ok != o.wantKept {
				t.Errorf("op %s: write kept = %v (err %v), want %v", o.name, ok, err, o.wantKept)
			}
		}
		return nil
	})
}

// TestUpdateContext: a request whose context ended is never queued.
func TestUpdateContext(t *testing.T) {
	s, _ := openTest(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	ran := false
	err := s.Update(ctx, func(*Tx) error { ran = true; return nil })
	wantErr(t, "Update with ended ctx", err, context.Canceled)
	if ran {
		t.Error("op ran although ctx had ended")
	}
}

// TestCloseDrains: requests queued before Close are committed; later ones
// get ErrClosed, and the data survives a reopen.
func TestCloseDrains(t *testing.T) {
	s, dir := openTest(t)
	g := closeGate(t, s)
	const n = 5
	errs := make(chan error, n)
	for i := range n {
		go func() {
			errs <- s.Update(context.Background(), func(tx *Tx) error {
				_, err := tx.AppendEvent("alice#a.test", []byte{byte(i)}, 0)
				return err
			})
		}()
	}
	waitQueued(t, s, n)
	closed := make(chan error, 1)
	go func() { closed <- s.Close() }()
	g.open(t)
	for range n {
		wantErr(t, "queued Update", <-errs, nil)
	}
	wantErr(t, "Close", <-closed, nil)
	wantErr(t, "Update after Close", s.Update(context.Background(), func(*Tx) error { return nil }), ErrClosed)
	wantErr(t, "View after Close", s.View(func(*Tx) error { return nil }), ErrClosed)
	wantErr(t, "second Close", s.Close(), nil)

	s2, err := Open(dir)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer s2.Close()
	mustView(t, s2, func(tx *Tx) error {
		if last, _ := tx.LastSeq("alice#a.test"); last != n {
			t.Errorf("after reopen LastSeq = %d, want %d", last, n)
		}
		return nil
	})
}

// TestViewIsReadOnly: a write inside View fails and changes nothing.
func TestViewIsReadOnly(t *testing.T) {
	s, _ := openTest(t)
	err := s.View(func(tx *Tx) error {
		_, err := tx.AppendEvent("alice#a.test", []byte("x"), 0)
		return err
	})
	if err == nil {
		t.Fatal("AppendEvent in View succeeded")
	}
	mustView(t, s, func(tx *Tx) error {
		if last, _ := tx.LastSeq("alice#a.test"); last != 0 {
			t.Errorf("LastSeq = %d after a refused write, want 0", last)
		}
		return nil
	})
}

// TestOpenFile: the file is emsg.db, mode 0600; a second Open of the same
// directory times out on the lock instead of corrupting it.
func TestOpenFile(t *testing.T) {
	s, dir := openTest(t)
	fi, err := os.Stat(filepath.Join(dir, FileName))
	if err != nil {
		t.Fatalf("stat: %v", err)
	}
	if mode := fi.Mode().Perm(); mode != 0o600 {
		t.Errorf("mode = %o, want 600", mode)
	}
	if s2, err := Open(dir); err == nil {
		s2.Close()
		t.Error("second Open of a locked store succeeded")
	} else if !strings.Contains(err.Error(), "timeout") {
		t.Errorf("second Open: %v, want a lock timeout", err)
	}
	mustUpdate(t, s, func(tx *Tx) error { return tx.Remember("x", "y", nil, wire.Millis(1)) })
}
