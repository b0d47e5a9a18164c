package loadgen

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/envelope"
	"github.com/emsg-project/emsg/reference/protocol/keys"
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
	var groups, sessions int
	opened := map[uint64]bool{}
	for i, m := range s.Messages {
		if i > 0 && m.At < s.Messages[i-1].At {
			t.Fatalf("message %d at %v before message %d at %v", i, m.At, i-1, s.Messages[i-1].At)
		}
		if m.At >= sc.Duration() || m.Size < sc.Traffic.Size.Min || m.Size > sc.Traffic.Size.Max {
			t.Fatalf("message %d: %+v outside the scenario", i, m)
		}
		switch {
		case m.IsGroup():
			if !p.Groups()[m.Group].Has(m.From) || m.Class != GroupFanOut {
				t.Fatalf("message %d: post by %d to group %d (class %s): not a member", i, m.From, m.Group, m.Class)
			}
			groups++
		case !contains(p.Contacts(m.From), m.To):
			t.Fatalf("message %d from %d to %d: not contacts", i, m.From, m.To)
		case m.Class == Session:
			init, ok := p.SessionInitiator(m.From, m.To)
			if !ok || !opened[pairKey(m.From, m.To)] {
				t.Fatalf("message %d: session class, but pair {%d, %d} is no session pair or was not opened (initiator %d)", i, m.From, m.To, init)
			}
			sessions++
		}
		if init, ok := p.SessionInitiator(m.From, m.To); ok && !m.IsGroup() && !opened[pairKey(m.From, m.To)] {
			if m.From != init || m.Class != CrossDomain {
				t.Fatalf("message %d opens session pair {%d, %d} from %d as %s: want its initiator %d, cross_domain", i, m.From, m.To, m.From, m.Class, init)
			}
			opened[pairKey(m.From, m.To)] = true
		}
	}
	if n := len(s.Messages); n < 800 || n > 1200 {
		t.Errorf("got %d messages, want about 1000 (50/s for 20 s)", n)
	}
	if share := float64(groups) / float64(len(s.Messages)); share < sc.Groups.Share-0.15 || share > sc.Groups.Share+0.15 {
		t.Errorf("group posts are %.0f%% of the messages, want about the scenario's %.0f%% of conversations", 100*share, 100*sc.Groups.Share)
	}
	if sessions == 0 {
		t.Errorf("no session messages")
	}
}

// TestDeliveries: every message has one delivery per recipient, numbered
// without gaps, and each number leads back to its message and recipient.
func TestDeliveries(t *testing.T) {
	p := NewPopulation(smallScenario())
	s := NewSchedule(p)
	next := uint32(0)
	for _, m := range s.Messages {
		s.RecipientsOf(m.Index, func(u UserID, d uint32) {
			if d != next {
				t.Fatalf("message %d to %d: delivery %d, want %d", m.Index, u, d, next)
			}
			next++
			if back, ok := s.Delivery(m.Index, u); !ok || back != d || s.MessageOf(d) != m.Index {
				t.Fatalf("delivery %d (message %d to %d) looks up as %d, %v, message %d", d, m.Index, u, back, ok, s.MessageOf(d))
			}
		})
		if _, ok := s.Delivery(m.Index, m.From); ok {
			t.Fatalf("message %d: its sender is one of its recipients", m.Index)
		}
	}
	if int(next) != s.Deliveries() {
		t.Errorf("numbered %d deliveries, the schedule says %d", next, s.Deliveries())
	}
}

// TestGroups: groups are deterministic, sized within the scenario's
// bounds, hosted on their owner's domain, and spread over domains; the
// busiest user is in several.
func TestGroups(t *testing.T) {
	sc := DefaultScenario()
	a, b := NewPopulation(sc), NewPopulation(sc)
	if !reflect.DeepEqual(a.Groups(), b.Groups()) {
		t.Fatal("two derivations of the groups differ")
	}
	domains := map[string]bool{}
	for _, g := range a.Groups() {
		if n := len(g.Members); n < sc.Groups.Min || n > sc.Groups.Max {
			t.Fatalf("group %s has %d members, want %d to %d", g.Address, n, sc.Groups.Min, sc.Groups.Max)
		}
		if g.Address.Domain != a.Domain(g.Owner()) {
			t.Fatalf("group %s is not hosted on its owner's domain %s", g.Address, a.Domain(g.Owner()))
		}
		if back, ok := a.GroupIndex(g.Address); !ok || back != g.Index {
			t.Fatalf("group %s looks up as %d, %v", g.Address, back, ok)
		}
		for _, u := range g.Members {
			domains[a.Domain(u)] = true
		}
	}
	count, memberships, largest, most := a.GroupStats()
	t.Logf("%d groups, %d memberships, largest %d, busiest user in %d", count, memberships, largest, most)
	if count != sc.Groups.Count || len(domains) != len(sc.Domains) || most < 3 || largest <= sc.Groups.Min {
		t.Errorf("groups: %d (want %d), members on %d domains, largest %d, busiest user in %d groups: want heavy tails across every domain", count, sc.Groups.Count, len(domains), largest, most)
	}
}

// TestGroupPostFitsTheEnvelope: a post to the largest group allowed, with
// the largest body a post to it may carry, seals within the size limit.
func TestGroupPostFitsTheEnvelope(t *testing.T) {
	sc := DefaultScenario()
	sc.UsersPerDomain = 3_000_000 // long addresses
	p := &Population{sc: sc, ids: map[UserID]*keys.Identity{}, boxes: map[UserID]*[32]byte{}}
	readers := map[address.Address]*[32]byte{}
	for i := range maxGroupMembers - 1 {
		u := UserID(sc.Users() - 1 - i)
		box, err := p.BoxKey(u)
		if err != nil {
			t.Fatal(err)
		}
		readers[p.Address(u)] = box
	}
	from, _ := p.Identity(0)
	group := address.Address{Local: "g999999", Domain: "c.test"}
	_, _, err := envelope.Seal(MessageDeps("s", 0, time.Now()), from, group, readers,
		envelope.TextBody(strings.Repeat("x", groupBodyLimit(maxGroupMembers))), envelope.Options{TTL: 3600})
	if err != nil {
		t.Fatalf("a post of %d bytes to %d members: %v", groupBodyLimit(maxGroupMembers), maxGroupMembers, err)
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
