package store

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The test binary doubles as the crash child: with crashChildEnv set to a
// data directory it runs [crashChild] instead of the tests.
const crashChildEnv = "EMSG_STORE_CRASH_CHILD"

// Bounds of one kill -9 run: the parent kills the child after
// crashMaxAcks acknowledged appends or crashMaxTime, whichever comes first.
const (
	crashWriters  = 16
	crashAccounts = 4
	crashMaxAcks  = 3000
	crashMaxTime  = 1500 * time.Millisecond
)

func TestMain(m *testing.M) {
	if dir := os.Getenv(crashChildEnv); dir != "" {
		if err := crashChild(dir, os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, "crash child:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// crashChild appends events until it is killed. Each append also remembers
// its idempotency key with the seq, in the same operation. After each
// Update returns it prints "ack <account> <seq> <id>" — the moment a server
// would answer 202.
func crashChild(dir string, out io.Writer) error {
	s, err := Open(dir)
	if err != nil {
		return err
	}
	var mu sync.Mutex
	errs := make(chan error, crashWriters)
	for w := range crashWriters {
		go func() {
			for n := 0; ; n++ {
				addr := fmt.Sprintf("u%d#crash.test", (w+n)%crashAccounts)
				id := fmt.Sprintf("w%d-%d", w, n)
				var seq uint64
				err := s.Update(context.Background(), func(tx *Tx) (err error) {
					if seq, err = tx.AppendEvent(addr, []byte(id), 0); err != nil {
						return err
					}
					return tx.Remember(addr, id, []byte(strconv.FormatUint(seq, 10)), 0)
				})
				if err == nil {
					mu.Lock()
					_, err = fmt.Fprintf(out, "ack %s %d %s\n", addr, seq, id)
					mu.Unlock()
				}
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	return <-errs
}

// crashAck is one acknowledged append read from the child.
type crashAck struct {
	addr, id string
	seq      uint64
}

// runCrashChild starts the child on dir, kills it with SIGKILL after the
// bounds, and returns what it acknowledged. A torn last line is no ack.
func runCrashChild(t *testing.T, dir string) []crashAck {
	t.Helper()
	child := exec.Command(os.Args[0], "-test.run=^$")
	child.Env = append(os.Environ(), crashChildEnv+"="+dir)
	child.Stderr = os.Stderr
	pipe, err := child.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := child.Start(); err != nil {
		t.Fatalf("start child: %v", err)
	}
	kill := func() { child.Process.Signal(syscall.SIGKILL) }
	timer := time.AfterFunc(crashMaxTime, kill)
	defer timer.Stop()
	var acks []crashAck
	sc := bufio.NewScanner(pipe)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) != 4 || f[0] != "ack" {
			continue
		}
		seq, err := strconv.ParseUint(f[2], 10, 64)
		if err != nil {
			continue
		}
		acks = append(acks, crashAck{addr: f[1], seq: seq, id: f[3]})
		if len(acks) == crashMaxAcks {
			kill()
		}
	}
	kill()
	err = child.Wait()
	if ws, ok := child.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("child did not die by SIGKILL: %v", err)
	}
	return acks
}

// TestKill9 kills a writing child mid-stream and checks that every append it
// acknowledged is stored exactly once under its seq, with its idempotency
// record, and that numbering continues above everything acknowledged.
func TestKill9(t *testing.T) {
	dir := t.TempDir()
	acks := runCrashChild(t, dir)
	if len(acks) == 0 {
		t.Fatal("the child acknowledged nothing")
	}
	s, err := Open(dir)
	if err != nil {
		t.Fatalf("reopen after kill: %v", err)
	}
	defer s.Close()
	stored := map[string][]uint64{} // id → seqs it is stored under
	maxSeq := map[string]uint64{}
	mustView(t, s, func(tx *Tx) error {
		for a := range crashAccounts {
			addr := fmt.Sprintf("u%d#crash.test", a)
			evs, err := tx.Events(addr, 0, 1<<30)
			if err != nil {
				return err
			}
			for _, e := range evs {
				stored[addr+" "+string(e.Data)] = append(stored[addr+" "+string(e.Data)], e.Seq)
			}
			maxSeq[addr], _ = tx.LastSeq(addr)
		}
		for _, a := range acks {
			seqs := stored[a.addr+" "+a.id]
			if len(seqs) != 1 || seqs[0] != a.seq {
				t.Errorf("acknowledged %s %s seq %d: stored under %v", a.addr, a.id, a.seq, seqs)
			}
			rec, ok, err := tx.Seen(a.addr, a.id)
			if err != nil || !ok || string(rec) != strconv.FormatUint(a.seq, 10) {
				t.Errorf("acknowledged %s %s: dedupe record %q %v %v", a.addr, a.id, rec, ok, err)
			}
			if a.seq > maxSeq[a.addr] {
				t.Errorf("%s: LastSeq %d below acknowledged seq %d", a.addr, maxSeq[a.addr], a.seq)
			}
		}
		return nil
	})
	for addr, last := range maxSeq {
		var seq uint64
		mustUpdate(t, s, func(tx *Tx) (err error) {
			seq, err = tx.AppendEvent(addr, []byte("after the kill"), 0)
			return err
		})
		if seq != last+1 {
			t.Errorf("%s: first seq after the kill %d, want %d", addr, seq, last+1)
		}
	}
	t.Logf("%d appends acknowledged before SIGKILL, all found once", len(acks))
}
