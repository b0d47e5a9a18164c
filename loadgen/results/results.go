package results

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"time"
)

// FormatVersion is the version of the results file format: 2 keeps the
// ledger's lists by class, in deliveries (one per message and recipient).
const FormatVersion = 2

// Kind is the "kind" of load results documents, beside "conformance".
const Kind = "load"

// Results is what one shard (or a merge of shards) of a load run measured.
// The simulator fills it while running; [Results.Finish] computes the
// totals; JSON is its file format.
type Results struct {
	Kind     string          `json:"kind"` // always "load": the reports tools dispatch on it
	Format   int             `json:"format"`
	Scenario json.RawMessage `json:"scenario"` // the scenario as run
	Name     string          `json:"name"`
	Seed     string          `json:"seed"`
	Shards   []string        `json:"shards"` // "i/N" of every shard included
	Target   string          `json:"target"`
	Started  time.Time       `json:"started"`
	Elapsed  Seconds         `json:"elapsed"` // wall time of the schedule and drain

	// The ledger's raw material, by class: delivery numbers of the
	// schedule, one per message and recipient (a group post to n other
	// members is n deliveries), the same in every shard.
	Deliveries  map[string]*Deliveries `json:"deliveries"`
	Messages    map[string]int64       `json:"messages"`    // messages accepted, by class (a group post once)
	Replayed    int64                  `json:"replayed"`    // events replayed under the same seq after a reconnect (allowed)
	Stray       int64                  `json:"stray"`       // envelopes of no scheduled delivery
	Redelivered int64                  `json:"redelivered"` // session envelopes that came once on the session socket and once more by federation (allowed: SESS-FALLBACK-01)
	Sessions    Sessions               `json:"sessions"`
	Groups      Groups                 `json:"groups"`

	Latency  map[string]*Histogram `json:"latency"` // by class, from the intended send time
	Timeline []Bucket              `json:"timeline"`

	Users       int            `json:"users"` // users this shard drives
	Connections int64          `json:"connections"`
	Logins      int64          `json:"logins"`
	Errors      map[string]int `json:"errors"` // by spec error code (or "network", "timeout")
	Crypto      Crypto         `json:"crypto"`
	Servers     []Process      `json:"servers,omitempty"`
	Simulator   Simulator      `json:"simulator"`
	Steps       []Step         `json:"steps,omitempty"` // the knee search's stages
	Notes       []string       `json:"notes,omitempty"`

	Ledger  Ledger            `json:"ledger"`  // all classes, computed by Finish
	Ledgers map[string]Ledger `json:"ledgers"` // by class, computed by Finish
	Knee    float64           `json:"knee,omitempty"`
}

// Seconds is a duration stored as seconds.
type Seconds float64

// D returns s as a time.Duration.
func (s Seconds) D() time.Duration { return time.Duration(float64(s) * float64(time.Second)) }

// Bucket is one second of the run: deliveries by intended send time
// (accepted, delivered, and their latencies) and by arrival time
// (arrived), and the users online at its end.
type Bucket struct {
	Second    int        `json:"t"`
	Sent      int64      `json:"sent"`
	Delivered int64      `json:"delivered"`
	Arrived   int64      `json:"arrived"`
	Online    int64      `json:"online"`
	Latency   *Histogram `json:"latency"`
}

// Crypto is the simulator's crypto cost, in all and by class.
type Crypto struct {
	Cost
	ByClass map[string]Cost `json:"by_class,omitempty"`
}

// Cost is what sealing and opening envelopes took: how many envelopes,
// how many wrapped keys (one sealed box per reader, the sender included:
// a group post wraps one per member) and the time spent.
type Cost struct {
	Sealed    int64 `json:"sealed"`
	SealNanos int64 `json:"seal_nanos"`
	Boxes     int64 `json:"boxes"`
	Opened    int64 `json:"opened"`
	OpenNanos int64 `json:"open_nanos"`
}

// Add adds o to c.
func (c *Cost) Add(o Cost) {
	c.Sealed += o.Sealed
	c.SealNanos += o.SealNanos
	c.Boxes += o.Boxes
	c.Opened += o.Opened
	c.OpenNanos += o.OpenNanos
}

// PerSeal is the mean time of sealing one envelope.
func (c Cost) PerSeal() time.Duration {
	if c.Sealed == 0 {
		return 0
	}
	return time.Duration(c.SealNanos / c.Sealed)
}

// PerBox is the mean sealing time per wrapped key.
func (c Cost) PerBox() time.Duration {
	if c.Boxes == 0 {
		return 0
	}
	return time.Duration(c.SealNanos / c.Boxes)
}

// PerOpen is the mean time of opening and verifying one envelope.
func (c Cost) PerOpen() time.Duration {
	if c.Opened == 0 {
		return 0
	}
	return time.Duration(c.OpenNanos / c.Opened)
}

// Sessions counts how session-class messages travelled: the peer's
// sockets opened at the initiators' servers, the initiator's envelopes
// that arrived on a socket or by federation, and the peer's envelopes
// sent on its socket or, without one, through its own server.
type Sessions struct {
	Opened         int64 `json:"sockets_opened"`
	OnSocket       int64 `json:"delivered_on_socket"`
	ByFederation   int64 `json:"delivered_by_federation"`
	SentOnSocket   int64 `json:"sent_on_socket"`
	SentByFallback int64 `json:"sent_by_fallback"`
}

// Add adds o to s.
func (s *Sessions) Add(o Sessions) {
	s.Opened += o.Opened
	s.OnSocket += o.OnSocket
	s.ByFederation += o.ByFederation
	s.SentOnSocket += o.SentOnSocket
	s.SentByFallback += o.SentByFallback
}

// Groups describes the run's groups (the same in every shard) and counts
// what the shard did to build them: groups created, invitations sent,
// joins made and confirmed.
type Groups struct {
	Count       int `json:"count"`       // groups in the scenario
	Memberships int `json:"memberships"` // members of all groups, owners included
	Largest     int `json:"largest"`     // members of the largest group
	MostGroups  int `json:"most_groups"` // groups of the user in the most
	Created     int `json:"created"`     // by this shard (all shards, merged)
	Invited     int `json:"invited"`     // invitations sent
	Joined      int `json:"joined"`      // joins confirmed by the host's event
}

// Add adds o's counts to g (the description is every shard's).
func (g *Groups) Add(o Groups) {
	g.Count, g.Memberships, g.Largest, g.MostGroups = o.Count, o.Memberships, o.Largest, o.MostGroups
	g.Created += o.Created
	g.Invited += o.Invited
	g.Joined += o.Joined
}

// Simulator is the simulator's own footprint: its peak of connected
// users and the Go memory (heap and stacks in use, after a collection)
// they added, measured when setup had connected every user.
type Simulator struct {
	Connected   int64   `json:"connected"`
	MemoryBytes int64   `json:"memory_bytes"`
	CPUSeconds  float64 `json:"cpu_seconds"`
	MaxRSS      int64   `json:"max_rss_bytes"`
}

// PerUser is the simulator memory per connected user.
func (s Simulator) PerUser() int64 {
	if s.Connected == 0 {
		return 0
	}
	return s.MemoryBytes / s.Connected
}

// Process is the resource use of a server the run started: CPU time and
// peak resident memory (for a process, its VmHWM; for a container, the
// largest sample of its working set).
type Process struct {
	Name       string  `json:"name"`
	CPUSeconds float64 `json:"cpu_seconds"`
	MaxRSS     int64   `json:"max_rss_bytes"`
}

// Step is one rate of the knee search, from its first second to its last.
type Step struct {
	Rate   float64 `json:"rate"`
	From   int     `json:"from"`
	To     int     `json:"to"`
	SLO    Seconds `json:"slo"`
	Budget float64 `json:"loss_budget"`
	P99    Seconds `json:"p99"`
	Loss   float64 `json:"loss"`
	Passed bool    `json:"passed"`
	Ran    bool    `json:"ran"` // false for steps after an early stop
}

// Ledger is the exactly-once accounting of a run, per recipient: every
// figure counts deliveries (a message to one recipient), so a group post
// to n other members counts n times.
type Ledger struct {
	Scheduled  int `json:"scheduled"`
	Sent       int `json:"sent"`       // accepted
	Refused    int `json:"refused"`    // scheduled but not accepted
	Delivered  int `json:"delivered"`  // accepted and delivered exactly once
	Lost       int `json:"lost"`       // accepted, never delivered, not expired
	Duplicated int `json:"duplicated"` // delivered more than once
	Expired    int `json:"expired"`
	Unacked    int `json:"unacked"` // delivered though the sender saw no 202 (its answer was lost)
}

// Clean reports whether nothing was lost or duplicated.
func (l Ledger) Clean() bool { return l.Lost == 0 && l.Duplicated == 0 }

// Add adds o to l.
func (l *Ledger) Add(o Ledger) {
	l.Scheduled += o.Scheduled
	l.Sent += o.Sent
	l.Refused += o.Refused
	l.Delivered += o.Delivered
	l.Lost += o.Lost
	l.Duplicated += o.Duplicated
	l.Expired += o.Expired
	l.Unacked += o.Unacked
}

// Deliveries is the ledger's raw material of one class: the delivery
// numbers a shard was to send, sent, received once, received again.
type Deliveries struct {
	Scheduled  []uint32 `json:"scheduled"`  // this shard was to send
	Sent       []uint32 `json:"sent"`       // accepted by the sender's server (202)
	Delivered  []uint32 `json:"delivered"`  // arrived at the recipient, first time
	Duplicated []uint32 `json:"duplicated"` // arrived again on the same path (a new stream seq)
	Expired    []uint32 `json:"expired"`    // an expired receipt came back
}

// lists returns d's lists, for sorting and merging.
func (d *Deliveries) lists() []*[]uint32 {
	return []*[]uint32{&d.Scheduled, &d.Sent, &d.Delivered, &d.Duplicated, &d.Expired}
}

// add appends o's lists to d's.
func (d *Deliveries) add(o *Deliveries) {
	for i, l := range o.lists() {
		*d.lists()[i] = append(*d.lists()[i], *l...)
	}
}

// New returns empty results for one shard.
func New() *Results {
	return &Results{Kind: Kind, Format: FormatVersion, Latency: map[string]*Histogram{}, Errors: map[string]int{},
		Deliveries: map[string]*Deliveries{}, Messages: map[string]int64{}, Ledgers: map[string]Ledger{}}
}

// Class returns the lists of class c, creating them.
func (r *Results) Class(c string) *Deliveries {
	d := r.Deliveries[c]
	if d == nil {
		d = &Deliveries{}
		r.Deliveries[c] = d
	}
	return d
}

// Finish sorts the lists and computes the ledgers (by class and in all),
// and the knee.
func (r *Results) Finish() {
	r.Ledger, r.Ledgers = Ledger{}, map[string]Ledger{}
	for c, d := range r.Deliveries {
		for _, l := range d.lists() {
			slices.Sort(*l)
		}
		l := computeLedger(d)
		r.Ledgers[c] = l
		r.Ledger.Add(l)
	}
	r.computeSteps()
}

// computeLedger matches what was sent with what arrived.
func computeLedger(r *Deliveries) Ledger {
	arrivals := map[uint32]int{}
	for _, i := range r.Delivered {
		arrivals[i]++
	}
	for _, i := range r.Duplicated {
		arrivals[i]++
	}
	expired := map[uint32]bool{}
	for _, i := range r.Expired {
		expired[i] = true
	}
	sent := map[uint32]bool{}
	l := Ledger{Scheduled: len(r.Scheduled), Sent: len(r.Sent), Refused: len(r.Scheduled) - len(r.Sent)}
	for _, i := range r.Sent {
		sent[i] = true
		switch n := arrivals[i]; {
		case n == 1:
			l.Delivered++
		case n > 1:
			l.Duplicated++
		case expired[i]:
			l.Expired++
		default:
			l.Lost++
		}
	}
	for i, n := range arrivals {
		if !sent[i] {
			l.Unacked++
			if n > 1 {
				l.Duplicated++
			}
		}
	}
	return l
}

// Partial reports whether r holds only some shards of a sharded run.
func (r *Results) Partial() bool {
	for _, s := range r.Shards {
		var i, n int
		if _, err := fmt.Sscanf(s, "%d/%d", &i, &n); err == nil && n > len(r.Shards) {
			return true
		}
	}
	return false
}

// Write writes r as indented JSON to path.
func (r *Results) Write(path string) error {
	raw, err := json.MarshalIndent(r, "", " ")
	if err != nil {
		return fmt.Errorf("write results: %w", err)
	}
	if err := os.WriteFile(path, append(raw, '\n'), 0o644); err != nil {
		return fmt.Errorf("write results: %w", err)
	}
	return nil
}

// Read reads a results file.
func Read(path string) (*Results, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read results: %w", err)
	}
	r := New()
	if err := json.Unmarshal(raw, r); err != nil {
		return nil, fmt.Errorf("read results %s: %w", path, err)
	}
	if r.Kind != Kind || r.Format != FormatVersion {
		return nil, fmt.Errorf("read results %s: kind %q format %d, this build reads %q format %d", path, r.Kind, r.Format, Kind, FormatVersion)
	}
	return r, nil
}

// Total returns the latency histogram of every class together.
func (r *Results) Total() *Histogram {
	t := NewHistogram()
	for _, h := range r.Latency {
		t.Merge(h)
	}
	return t
}

// Throughput is the mean rate of deliveries per second from the first
// second with an arrival to the last.
func (r *Results) Throughput() float64 {
	first, last := -1, -1
	var n int64
	for _, b := range r.Timeline {
		if b.Arrived > 0 {
			if first < 0 {
				first = b.Second
			}
			last = b.Second
			n += b.Arrived
		}
	}
	if first < 0 {
		return 0
	}
	return float64(n) / float64(last-first+1)
}
