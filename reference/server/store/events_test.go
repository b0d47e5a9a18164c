package store

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/emsg-project/emsg/reference/protocol/wire"
)

const alice, bob = "alice#a.test", "bob#a.test"

// appendN appends events "<addr>-1" ... "<addr>-n" to addr.
func appendN(t *testing.T, s *Store, addr string, n int, expires wire.Millis) {
	t.Helper()
	mustUpdate(t, s, func(tx *Tx) error {
		for i := range n {
			if _, err := tx.AppendEvent(addr, fmt.Appendf(nil, "%s-%d", addr, i+1), expires); err != nil {
				return err
			}
		}
		return nil
	})
}

// seqsOf returns the sequence numbers of events.
func seqsOf(evs []Event) []uint64 {
	var out []uint64
	for _, e := range evs {
		out = append(out, e.Seq)
	}
	return out
}

func TestEvents(t *testing.T) {
	s, _ := openTest(t)
	appendN(t, s, alice, 5, 0)
	appendN(t, s, bob, 2, 0)
	appendN(t, s, "alice#a.tests", 1, 0) // shares alice's address as a prefix
	tests := []struct {
		name     string
		addr     string
		after    uint64
		limit    int
		wantSeqs []uint64
	}{
		// happy path
		{"everything of alice, in order", alice, 0, 100, []uint64{1, 2, 3, 4, 5}},
		{"after 2", alice, 2, 100, []uint64{3, 4, 5}},
		{"limit 2", alice, 0, 2, []uint64{1, 2}},
		{"bob's numbers are his own", bob, 0, 100, []uint64{1, 2}},
		{"a prefix address does not leak into alice's log", "alice#a.tests", 0, 100, []uint64{1}},
		// sad path
		{"after the last", alice, 5, 100, nil},
		{"after the largest number", alice, ^uint64(0), 100, nil},
		{"unknown account", "carol#a.test", 0, 100, nil},
		{"limit 0", alice, 0, 0, nil},
	}
	mustView(t, s, func(tx *Tx) error {
		for _, tt := range tests {
			evs, err := tx.Events(tt.addr, tt.after, tt.limit)
			if err != nil {
				t.Errorf("%s: %v", tt.name, err)
				continue
			}
			if got := seqsOf(evs); !slices.Equal(got, tt.wantSeqs) {
				t.Errorf("%s: seqs %v, want %v", tt.name, got, tt.wantSeqs)
			}
			for _, e := range evs {
				if want := fmt.Sprintf("%s-%d", tt.addr, e.Seq); string(e.Data) != want {
					t.Errorf("%s: event %d = %q, want %q", tt.name, e.Seq, e.Data, want)
				}
			}
		}
		return nil
	})
	// sad path: names that cannot be keys
	mustView(t, s, func(tx *Tx) error {
		for _, bad := range []string{"", "a\x00b"} {
			_, err := tx.Events(bad, 0, 1)
			wantErr(t, fmt.Sprintf("Events(%q)", bad), err, ErrBadKey)
		}
		return nil
	})
}

func TestAck(t *testing.T) {
	tests := []struct {
		name      string
		acks      []uint64
		wantSeqs  []uint64 // left in the log
		wantAcked uint64
	}{
		// happy path
		{"ack 3 deletes 1..3", []uint64{3}, []uint64{4, 5}, 3},
		{"ack everything", []uint64{5}, nil, 5},
		{"acks accumulate", []uint64{1, 2, 4}, []uint64{5}, 4},
		// sad path
		{"ack beyond the last acknowledges only what exists", []uint64{99}, nil, 5},
		{"an older ack changes nothing", []uint64{4, 2}, []uint64{5}, 4},
		{"ack 0 changes nothing", []uint64{0}, []uint64{1, 2, 3, 4, 5}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := openTest(t)
			appendN(t, s, alice, 5, 0)
			appendN(t, s, bob, 3, 0)
			for _, a := range tt.acks {
				mustUpdate(t, s, func(tx *Tx) error { return tx.Ack(alice, a) })
			}
			mustView(t, s, func(tx *Tx) error {
				evs, _ := tx.Events(alice, 0, 100)
				if got := seqsOf(evs); !slices.Equal(got, tt.wantSeqs) {
					t.Errorf("left %v, want %v", got, tt.wantSeqs)
				}
				if got, _ := tx.AckedSeq(alice); got != tt.wantAcked {
					t.Errorf("AckedSeq = %d, want %d", got, tt.wantAcked)
				}
				if bobs, _ := tx.Events(bob, 0, 100); len(bobs) != 3 {
					t.Errorf("bob has %d events after alice's acks, want 3", len(bobs))
				}
				return nil
			})
		})
	}
}

// TestSeqNeverReused: after acknowledging everything and reopening, the
// next event still gets the next number.
func TestSeqNeverReused(t *testing.T) {
	s, dir := openTest(t)
	appendN(t, s, alice, 3, 0)
	mustUpdate(t, s, func(tx *Tx) error { return tx.Ack(alice, 3) })
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var seq uint64
	mustUpdate(t, s, func(tx *Tx) (err error) {
		seq, err = tx.AppendEvent(alice, []byte("after"), 0)
		return err
	})
	if seq != 4 {
		t.Errorf("seq after ack and reopen = %d, want 4", seq)
	}
	mustView(t, s, func(tx *Tx) error {
		if a, _ := tx.AckedSeq(alice); a != 3 {
			t.Errorf("AckedSeq after reopen = %d, want 3", a)
		}
		return nil
	})
}

func TestExpireEvents(t *testing.T) {
	s, _ := openTest(t)
	appendN(t, s, alice, 3, 1000) // seqs 1-3 expire at 1000
	appendN(t, s, bob, 2, 2000)   // seqs 1-2 expire at 2000
	appendN(t, s, alice, 1, 0)    // seq 4 never expires
	mustUpdate(t, s, func(tx *Tx) error { return tx.Ack(alice, 1) })
	steps := []struct {
		name     string
		now      wire.Millis
		limit    int
		want     []string // address/seq removed
		wantMore bool
	}{
		// sad path
		{"nothing expired yet", 999, 10, nil, false},
		// happy path
		{"limit bounds the work; the acked event is skipped", 1000, 2, []string{alice + "/2"}, true},
		{"the rest of alice's", 1500, 10, []string{alice + "/3"}, false},
		{"bob's at their time", 2000, 10, []string{bob + "/1", bob + "/2"}, false},
		{"the event without expiry stays", 1 << 50, 10, nil, false},
	}
	for _, st := range steps {
		var got []string
		var more bool
		mustUpdate(t, s, func(tx *Tx) error {
			removed, m, err := tx.ExpireEvents(st.now, st.limit)
			got, more = nil, m
			for _, e := range removed {
				got = append(got, fmt.Sprintf("%s/%d", e.Address, e.Seq))
				if want := fmt.Sprintf("%s-%d", e.Address, e.Seq); string(e.Data) != want {
					t.Errorf("%s: data %q, want %q", st.name, e.Data, want)
				}
			}
			return err
		})
		if !slices.Equal(got, st.want) || more != st.wantMore {
			t.Errorf("%s: removed %v more %v, want %v more %v", st.name, got, more, st.want, st.wantMore)
		}
	}
	mustView(t, s, func(tx *Tx) error {
		evs, _ := tx.Events(alice, 0, 10)
		if got := seqsOf(evs); !slices.Equal(got, []uint64{4}) {
			t.Errorf("alice's log after expiry %v, want [4]", got)
		}
		return nil
	})
}

// TestAppendConcurrent: 64 goroutines append to 4 accounts at once; every
// account's numbers are unique and contiguous from 1, and each number holds
// the event its Update returned it for.
func TestAppendConcurrent(t *testing.T) {
	s, _ := openTest(t)
	const goroutines, perG = 64, 20
	accounts := []string{"a#x.test", "b#x.test", "c#x.test", "d#x.test"}
	var mu sync.Mutex
	got := map[string]map[uint64]string{}
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			for i := range perG {
				addr := accounts[(g+i)%len(accounts)]
				data := fmt.Sprintf("g%d-i%d", g, i)
				var seq uint64
				err := s.Update(context.Background(), func(tx *Tx) (err error) {
					seq, err = tx.AppendEvent(addr, []byte(data), 0)
					return err
				})
				if err != nil {
					t.Errorf("append: %v", err)
					return
				}
				mu.Lock()
				if got[addr] == nil {
					got[addr] = map[uint64]string{}
				}
				if prev, dup := got[addr][seq]; dup {
					t.Errorf("%s seq %d given to %s and %s", addr, seq, prev, data)
				}
				got[addr][seq] = data
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	total := 0
	mustView(t, s, func(tx *Tx) error {
		for _, addr := range accounts {
			evs, _ := tx.Events(addr, 0, goroutines*perG)
			for i, e := range evs {
				if e.Seq != uint64(i+1) {
					t.Fatalf("%s: event %d has seq %d: not contiguous", addr, i, e.Seq)
				}
				if string(e.Data) != got[addr][e.Seq] {
					t.Errorf("%s seq %d holds %q, Update returned it for %q", addr, e.Seq, e.Data, got[addr][e.Seq])
				}
			}
			if last, _ := tx.LastSeq(addr); last != uint64(len(evs)) || len(evs) != len(got[addr]) {
				t.Errorf("%s: LastSeq %d, %d events, %d acknowledged", addr, last, len(evs), len(got[addr]))
			}
			total += len(evs)
		}
		return nil
	})
	if total != goroutines*perG {
		t.Errorf("stored %d events, want %d", total, goroutines*perG)
	}
}
