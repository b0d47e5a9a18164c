package enginebench

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// RunCrashChild is the process the kill -9 check kills: writers goroutines
// accept single deliveries of the workload until the process dies, and after
// each Accept returns write "ack <writer> <n> <seq>\n" to out — the moment a
// server would answer 202.
func RunCrashChild(ctx context.Context, s Store, out io.Writer, writers int) error {
	var (
		mu sync.Mutex
		wg sync.WaitGroup
	)
	errs := make(chan error, writers)
	for w := range writers {
		wg.Go(func() {
			for n := 0; n < math.MaxInt32 && ctx.Err() == nil; n++ {
				res, err := s.Accept(ctx, []Delivery{MakeDelivery(w, n)})
				if err != nil {
					errs <- err
					return
				}
				mu.Lock()
				_, err = fmt.Fprintf(out, "ack %d %d %d\n", w, n, res[0].Seq)
				mu.Unlock()
				if err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	return <-errs
}

// CrashReport is the outcome of one kill -9 run.
type CrashReport struct {
	Acked      int           // deliveries the child reported as accepted
	Stored     int           // events and queue items found after reopening
	Missing    int           // acknowledged but not stored
	Duplicated int           // acknowledged and stored more than once
	WrongSeq   int           // stored under another sequence number than acknowledged
	SeqReused  int           // sequence numbers that appear twice in one log or queue
	NotDup     int           // acknowledged deliveries a new Accept did not report as duplicates
	Reopen     time.Duration // time to open the store after the kill
}

// OK reports whether the run lost, duplicated or renumbered nothing.
func (r CrashReport) OK() bool {
	return r.Acked > 0 && r.Missing+r.Duplicated+r.WrongSeq+r.SeqReused+r.NotDup == 0
}

// CrashRun starts child (a process running [RunCrashChild] on a store in
// dir), kills it with SIGKILL after killAfter, reopens the store with e and
// checks every acknowledged delivery.
func CrashRun(ctx context.Context, child *exec.Cmd, e Engine, dir string, killAfter time.Duration) (CrashReport, error) {
	pipe, err := child.StdoutPipe()
	if err != nil {
		return CrashReport{}, fmt.Errorf("crash child: %w", err)
	}
	if err := child.Start(); err != nil {
		return CrashReport{}, fmt.Errorf("start crash child: %w", err)
	}
	timer := time.AfterFunc(killAfter, func() { child.Process.Signal(syscall.SIGKILL) })
	acked, readErr := readAcks(pipe)
	timer.Stop()
	child.Process.Signal(syscall.SIGKILL)
	child.Wait()
	if readErr != nil {
		return CrashReport{}, readErr
	}
	t0 := time.Now()
	s, err := e.Open(dir)
	if err != nil {
		return CrashReport{}, fmt.Errorf("reopen after kill: %w", err)
	}
	reopen := time.Since(t0)
	defer s.Close()
	rep, err := verifyAcks(ctx, s, acked)
	rep.Reopen = reopen
	return rep, err
}

// ack is one line of the crash child: a delivery and its sequence number.
type ack struct {
	d   Delivery
	seq uint64
}

// readAcks reads the child's lines until the pipe closes; a torn last line
// (the kill came mid-write) is not an acknowledgement and is dropped.
func readAcks(r io.Reader) ([]ack, error) {
	var out []ack
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) != 4 || f[0] != "ack" {
			continue
		}
		w, err1 := strconv.Atoi(f[1])
		n, err2 := strconv.Atoi(f[2])
		seq, err3 := strconv.ParseUint(f[3], 10, 64)
		if err1 != nil || err2 != nil || err3 != nil {
			continue
		}
		out = append(out, ack{MakeDelivery(w, n), seq})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read crash child output: %w", err)
	}
	return out, nil
}

// stored is where one delivery was found after the reopen.
type stored struct {
	seqs []uint64
}

// verifyAcks scans every log and queue of the workload, checks that each
// acknowledged delivery is stored once under its sequence number, and that
// accepting it again is a duplicate.
func verifyAcks(ctx context.Context, s Store, acked []ack) (CrashReport, error) {
	found, rep, err := scanAll(ctx, s)
	if err != nil {
		return rep, err
	}
	rep.Acked = len(acked)
	batch := make([]Delivery, 0, len(acked))
	for _, a := range acked {
		key := a.d.From + " " + a.d.ID
		got := found[key]
		switch {
		case len(got.seqs) == 0:
			rep.Missing++
		case len(got.seqs) > 1:
			rep.Duplicated++
		case got.seqs[0] != a.seq:
			rep.WrongSeq++
		}
		batch = append(batch, a.d)
	}
	res, err := s.Accept(ctx, batch)
	if err != nil {
		return rep, fmt.Errorf("re-accept acknowledged deliveries: %w", err)
	}
	for _, r := range res {
		if !r.Duplicate {
			rep.NotDup++
		}
	}
	return rep, nil
}

// scanAll returns every stored delivery with its sequence numbers, counting
// stored items and sequence numbers used twice in one log or queue.
func scanAll(ctx context.Context, s Store) (map[string]*stored, CrashReport, error) {
	var rep CrashReport
	found := map[string]*stored{}
	note := func(body []byte, seq uint64, seen map[uint64]bool) {
		rep.Stored++
		if seen[seq] {
			rep.SeqReused++
		}
		seen[seq] = true
		key, _ := BodyKey(body)
		if found[key] == nil {
			found[key] = &stored{}
		}
		found[key].seqs = append(found[key].seqs, seq)
	}
	for _, a := range AllAccounts() {
		evs, err := s.Read(ctx, a, 0, math.MaxInt32)
		if err != nil {
			return nil, rep, err
		}
		seen := map[uint64]bool{}
		for _, e := range evs {
			note(e.Body, e.Seq, seen)
		}
	}
	for _, d := range AllDestinations() {
		items, err := s.Dequeue(ctx, d, math.MaxInt32)
		if err != nil {
			return nil, rep, err
		}
		seen := map[uint64]bool{}
		for _, it := range items {
			note(it.Body, it.ID.Seq, seen)
		}
	}
	return found, rep, nil
}
