package enginebench

import (
	"context"
	"fmt"
	"reflect"
	"sync"
	"testing"
)

// local and remote make deliveries for the tests.
func local(from, id, to string) Delivery {
	return Delivery{From: from, ID: id, To: to, Body: []byte("env " + from + " " + id)}
}

func remote(from, id, to, dest string) Delivery {
	d := local(from, id, to)
	d.Destination = dest
	return d
}

// forEachEngine runs f on a fresh store of every engine variant.
func forEachEngine(t *testing.T, f func(t *testing.T, e Engine, s Store, dir string)) {
	for _, e := range Engines() {
		t.Run(e.Name, func(t *testing.T) {
			dir := t.TempDir()
			s, err := e.Open(dir)
			if err != nil {
				t.Fatalf("open: %v", err)
			}
			t.Cleanup(func() { s.Close() })
			f(t, e, s, dir)
		})
	}
}

func mustAccept(t *testing.T, s Store, batch ...Delivery) []Result {
	t.Helper()
	res, err := s.Accept(context.Background(), batch)
	if err != nil {
		t.Fatalf("accept: %v", err)
	}
	return res
}

func mustRead(t *testing.T, s Store, account string, after uint64) []uint64 {
	t.Helper()
	evs, err := s.Read(context.Background(), account, after, 100)
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	var seqs []uint64
	for _, e := range evs {
		seqs = append(seqs, e.Seq)
	}
	return seqs
}

func TestAccept(t *testing.T) {
	tests := []struct {
		name  string
		first []Delivery // accepted before
		batch []Delivery
		want  []Result
	}{
		// happy path
		{"first event of an account is seq 1", nil,
			[]Delivery{local("a#x.test", "1", "bob#y.test")}, []Result{{Seq: 1}}},
		{"a batch numbers per account", nil,
			[]Delivery{local("a#x.test", "1", "bob"), local("a#x.test", "2", "carol"), local("a#x.test", "3", "bob")},
			[]Result{{Seq: 1}, {Seq: 1}, {Seq: 2}}},
		{"remote recipients are numbered per destination queue", nil,
			[]Delivery{remote("a#x.test", "1", "bob#y.test", "y.test"), remote("a#x.test", "2", "eve#z.test", "z.test"), remote("a#x.test", "3", "dan#y.test", "y.test")},
			[]Result{{Seq: 1}, {Seq: 1}, {Seq: 2}}},
		{"numbering continues after an earlier accept", []Delivery{local("a", "1", "bob")},
			[]Delivery{local("a", "2", "bob")}, []Result{{Seq: 2}}},
		// sad path: duplicates change nothing
		{"a replayed (from, id) is a duplicate", []Delivery{local("a", "1", "bob")},
			[]Delivery{local("a", "1", "bob")}, []Result{{Duplicate: true}}},
		{"a duplicate inside one batch", nil,
			[]Delivery{local("a", "1", "bob"), local("a", "1", "bob")}, []Result{{Seq: 1}, {Duplicate: true}}},
		{"the same id from another sender is not a duplicate", []Delivery{local("a", "1", "bob")},
			[]Delivery{local("b", "1", "bob")}, []Result{{Seq: 2}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			forEachEngine(t, func(t *testing.T, _ Engine, s Store, _ string) {
				if len(tt.first) > 0 {
					mustAccept(t, s, tt.first...)
				}
				if got := mustAccept(t, s, tt.batch...); !reflect.DeepEqual(got, tt.want) {
					t.Errorf("got %v, want %v", got, tt.want)
				}
			})
		})
	}
}

func TestAckAndRead(t *testing.T) {
	forEachEngine(t, func(t *testing.T, _ Engine, s Store, _ string) {
		ctx := context.Background()
		for i := range 5 {
			mustAccept(t, s, local("a", fmt.Sprint(i), "bob"), local("a", fmt.Sprint(i)+"c", "carol"))
		}
		if got, want := mustRead(t, s, "bob", 2), []uint64{3, 4, 5}; !reflect.DeepEqual(got, want) {
			t.Errorf("read after 2: got %v, want %v", got, want)
		}
		if err := s.Ack(ctx, "bob", 3); err != nil {
			t.Fatalf("ack: %v", err)
		}
		if got, want := mustRead(t, s, "bob", 0), []uint64{4, 5}; !reflect.DeepEqual(got, want) {
			t.Errorf("read after ack 3: got %v, want %v", got, want)
		}
		if got := mustRead(t, s, "carol", 0); len(got) != 5 {
			t.Errorf("ack of bob touched carol: got %v", got)
		}
		if err := s.Ack(ctx, "bob", 5); err != nil {
			t.Fatalf("ack: %v", err)
		}
		// Acknowledging everything must not restart the numbering.
		if got := mustAccept(t, s, local("a", "new", "bob")); got[0].Seq != 6 {
			t.Errorf("seq after acking all: got %d, want 6", got[0].Seq)
		}
		evs, err := s.Read(ctx, "bob", 0, 1)
		if err != nil || len(evs) != 1 || string(evs[0].Body) != "env a new" {
			t.Errorf("read body: got %v, %v", evs, err)
		}
	})
}

func TestQueue(t *testing.T) {
	forEachEngine(t, func(t *testing.T, _ Engine, s Store, _ string) {
		ctx := context.Background()
		for i := range 4 {
			mustAccept(t, s, remote("a", fmt.Sprint(i), "bob#y.test", "y.test"), remote("a", fmt.Sprint(i)+"z", "eve#z.test", "z.test"))
		}
		items, err := s.Dequeue(ctx, "y.test", 3)
		if err != nil {
			t.Fatalf("dequeue: %v", err)
		}
		var got []string
		for _, it := range items {
			got = append(got, fmt.Sprintf("%s/%d %s", it.ID.Dest, it.ID.Seq, it.Body))
		}
		want := []string{"y.test/1 env a 0", "y.test/2 env a 1", "y.test/3 env a 2"}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("dequeue: got %v, want %v", got, want)
		}
		if err := s.Done(ctx, []QueueID{items[0].ID, items[1].ID}); err != nil {
			t.Fatalf("done: %v", err)
		}
		items, err = s.Dequeue(ctx, "y.test", 10)
		if err != nil || len(items) != 2 || items[0].ID.Seq != 3 || items[1].ID.Seq != 4 {
			t.Errorf("after done: got %v, %v; want seqs 3, 4", items, err)
		}
		if items, _ := s.Dequeue(ctx, "z.test", 10); len(items) != 4 {
			t.Errorf("z.test queue: got %d items, want 4", len(items))
		}
	})
}

func TestReopenKeepsState(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e Engine, s Store, dir string) {
		mustAccept(t, s, local("a", "1", "bob"), remote("a", "2", "eve#z.test", "z.test"))
		if err := s.Close(); err != nil {
			t.Fatalf("close: %v", err)
		}
		s2, err := e.Open(dir)
		if err != nil {
			t.Fatalf("reopen: %v", err)
		}
		defer s2.Close()
		got := mustAccept(t, s2, local("a", "1", "bob"), local("a", "3", "bob"), remote("a", "4", "eve#z.test", "z.test"))
		want := []Result{{Duplicate: true}, {Seq: 2}, {Seq: 2}}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("after reopen: got %v, want %v", got, want)
		}
	})
}

func TestConcurrentAccept(t *testing.T) {
	forEachEngine(t, func(t *testing.T, _ Engine, s Store, _ string) {
		const writers, each = 16, 10
		var wg sync.WaitGroup
		seqs := make(chan uint64, writers*each*2)
		for w := range writers {
			wg.Go(func() {
				for i := range each {
					// Every delivery is sent twice, by two writers.
					d := local("a", fmt.Sprint(w/2, "-", i), "bob")
					res, err := s.Accept(context.Background(), []Delivery{d})
					if err != nil {
						t.Errorf("accept: %v", err)
						return
					}
					if !res[0].Duplicate {
						seqs <- res[0].Seq
					}
				}
			})
		}
		wg.Wait()
		close(seqs)
		seen := map[uint64]bool{}
		for q := range seqs {
			if seen[q] {
				t.Errorf("seq %d handed out twice", q)
			}
			seen[q] = true
		}
		if len(seen) != writers*each/2 {
			t.Errorf("got %d distinct accepts, want %d", len(seen), writers*each/2)
		}
		if got := mustRead(t, s, "bob", 0); len(got) != writers*each/2 {
			t.Errorf("read %d events, want %d", len(got), writers*each/2)
		}
	})
}
