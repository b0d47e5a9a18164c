package results

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"time"
)

// FormatVersion is the version of the results file format.
const FormatVersion = 1

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

	// The ledger's raw material: message indices of the schedule.
	Scheduled  []uint32 `json:"scheduled"`  // messages this shard was to send
	Sent       []uint32 `json:"sent"`       // accepted by the sender's server (202)
	Delivered  []uint32 `json:"delivered"`  // arrived at the recipient, first time
	Duplicated []uint32 `json:"duplicated"` // arrived again under a new stream seq
	Expired    []uint32 `json:"expired"`    // an expired receipt came back
	Replayed   int64    `json:"replayed"`   // events replayed under the same seq after a reconnect (allowed)
	Stray      int64    `json:"stray"`      // envelopes of no scheduled message

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

	Ledger Ledger  `json:"ledger"` // computed by Finish
	Knee   float64 `json:"knee,omitempty"`
}

// Seconds is a duration stored as seconds.
type Seconds float64

// D returns s as a time.Duration.
func (s Seconds) D() time.Duration { return time.Duration(float64(s) * float64(time.Second)) }

// Bucket is one second of the run: messages by intended send time (sent,
// delivered, and their latencies) and by arrival time (arrived), and the
// users online at its end.
type Bucket struct {
	Second    int        `json:"t"`
	Sent      int64      `json:"sent"`
	Delivered int64      `json:"delivered"`
	Arrived   int64      `json:"arrived"`
	Online    int64      `json:"online"`
	Latency   *Histogram `json:"latency"`
}

// Crypto is the sealing cost: how many envelopes and the CPU time spent.
type Crypto struct {
	Sealed    int64 `json:"sealed"`
	SealNanos int64 `json:"seal_nanos"`
	OpenNanos int64 `json:"open_nanos"`
	Opened    int64 `json:"opened"`
}

// PerSeal is the mean CPU time of sealing one envelope.
func (c Crypto) PerSeal() time.Duration {
	if c.Sealed == 0 {
		return 0
	}
	return time.Duration(c.SealNanos / c.Sealed)
}

// PerOpen is the mean CPU time of opening and verifying one envelope.
func (c Crypto) PerOpen() time.Duration {
	if c.Opened == 0 {
		return 0
	}
	return time.Duration(c.OpenNanos / c.Opened)
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

// Process is the resource use of a server process the run spawned.
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

// Ledger is the exactly-once accounting of a run, per recipient.
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

// New returns empty results for one shard.
func New() *Results {
	return &Results{Kind: Kind, Format: FormatVersion, Latency: map[string]*Histogram{}, Errors: map[string]int{}}
}

// Finish sorts the index lists and computes the ledger, the totals of the
// timeline and the knee.
func (r *Results) Finish() {
	for _, l := range []*[]uint32{&r.Scheduled, &r.Sent, &r.Delivered, &r.Duplicated, &r.Expired} {
		slices.Sort(*l)
	}
	r.Ledger = computeLedger(r)
	r.computeSteps()
}

// computeLedger matches what was sent with what arrived.
func computeLedger(r *Results) Ledger {
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
