package loadgen

import (
	"reflect"
	"testing"
	"time"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/envelope"
)

// TestScheduleDeterministic: two derivations of one scenario agree on
// every user, contact and message, which is what lets shards work without
// a coordinator; another seed gives another schedule.
func TestScheduleDeterministic(t *testing.T) {
	sc := smallScenario()
	a, b := NewSchedule(NewPopulation(sc)), NewSchedule(NewPopulation(sc))
	if len(a.Messages) == 0 || !reflect.DeepEqual(a.Messages, b.Messages) {
		t.Fatalf("two schedules of one scenario differ (%d, %d messages)", len(a.Messages), len(b.Messages))
	}
	sc.Seed = "another"
	if c := NewSchedule(NewPopulation(sc)); reflect.DeepEqual(a.Messages, c.Messages) {
		t.Errorf("another seed gave the same schedule")
	}
}

// TestScheduleShape checks the schedule against the scenario: in time
// order, within the run, between contacts, sizes within bounds, and about
// the planned number of messages.
func TestScheduleShape(t *testing.T) {
	sc := smallScenario()
	sc.Stages = []Stage{{Duration: Duration(20 * time.Second), Rate: 50, Hold: true}}
	p := NewPopulation(sc)
	s := NewSchedule(p)
	for i, m := range s.Messages {
		if i > 0 && m.At < s.Messages[i-1].At {
			t.Fatalf("message %d at %v before message %d at %v", i, m.At, i-1, s.Messages[i-1].At)
		}
		if m.At >= sc.Duration() || m.Size < sc.Traffic.Size.Min || m.Size > sc.Traffic.Size.Max {
			t.Fatalf("message %d: %+v outside the scenario", i, m)
		}
		if !contains(p.Contacts(m.From), m.To) {
			t.Fatalf("message %d from %d to %d: not contacts", i, m.From, m.To)
		}
	}
	if n := len(s.Messages); n < 800 || n > 1200 {
		t.Errorf("got %d messages, want about 1000 (50/s for 20 s)", n)
	}
}

// TestLookupFindsSealedEnvelopes: the id of an envelope sealed with
// MessageDeps, at any time, leads back to its message.
func TestLookupFindsSealedEnvelopes(t *testing.T) {
	sc := smallScenario()
	p := NewPopulation(sc)
	s := NewSchedule(p)
	m := s.Messages[len(s.Messages)/2]
	from, _ := p.Identity(m.From)
	box, _ := p.BoxKey(m.To)
	to := p.Address(m.To)
	for _, at := range []time.Time{time.Unix(1e9, 0), time.Now()} {
		env, _, err := envelope.Seal(MessageDeps(sc.Seed, m.Index, at), from, to, map[address.Address]*[32]byte{to: box}, envelope.TextBody("x"), envelope.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if i, ok := s.Lookup(env.ID); !ok || i != m.Index {
			t.Errorf("sealed at %v: Lookup(%s) = %d, %v; want %d", at, env.ID, i, ok, m.Index)
		}
	}
	if _, ok := s.Lookup("01ARZ3NDEKTSV4RRFFQ69G5FAV"); ok {
		t.Errorf("an unrelated id was found")
	}
}

// TestPopulation: addresses round-trip, contacts are symmetric, shards
// partition the users.
func TestPopulation(t *testing.T) {
	sc := smallScenario()
	p := NewPopulation(sc)
	owned := make([]int, p.Len())
	for u := range p.Len() {
		id := UserID(u)
		if back, ok := p.Lookup(p.Address(id)); !ok || back != id {
			t.Fatalf("user %d: address %s looks up as %d, %v", u, p.Address(id), back, ok)
		}
		for _, c := range p.Contacts(id) {
			if !contains(p.Contacts(c), id) {
				t.Fatalf("user %d has contact %d but not the other way", u, c)
			}
		}
		for i := range 3 {
			if (Shard{Index: i, Count: 3}).Owns(id) {
				owned[u]++
			}
		}
	}
	for u, n := range owned {
		if n != 1 {
			t.Fatalf("user %d is owned by %d of 3 shards", u, n)
		}
	}
}

func contains(s []UserID, v UserID) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}
