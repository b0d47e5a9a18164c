package loadgen

import (
	"fmt"
	"io"
	"math"
	"slices"
	"time"

	"github.com/oklog/ulid/v2"

	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// Class says which path a delivery took, for the latency histograms.
type Class string

const (
	SameDomain  Class = "same_domain"  // sender and recipient on one server
	CrossDomain Class = "cross_domain" // through federation
	Session     Class = "session"      // carried by the initiator's server (not simulated yet)
	GroupFanOut Class = "group"        // a group post's fan-out (not simulated yet)
)

// Classes lists every class in report order.
var Classes = []Class{SameDomain, CrossDomain, Session, GroupFanOut}

// Message is one scheduled 1:1 message. At is its intended send time,
// from the start of the run: latency counts from there, whatever happens
// to the sender (the open model; no coordinated omission).
type Message struct {
	Index    uint32
	At       time.Duration
	From, To UserID
	Size     int
}

// Schedule is every message of a run in order of intended send time,
// computed identically by every shard, and the index from envelope ids to
// messages that lets any shard recognise any message it receives.
type Schedule struct {
	Messages []Message
	byNonce  map[[10]byte]uint32 // the ULID entropy of each message's id
}

// NewSchedule draws the conversations of the scenario: conversation starts
// arrive as a Poisson process whose rate follows the stages divided by the
// mean burst; each conversation is a geometric number of messages (mean
// Burst) between an online user and one of its contacts, taking turns,
// exponential think times apart. A message whose sender is offline at its
// time is not sent (the conversation ends).
func NewSchedule(p *Population) *Schedule {
	sc := p.sc
	r := p.rng("schedule")
	stages := sc.StepStages()
	horizon := sc.Duration()
	var msgs []Message
	prev, t0 := 0.0, time.Duration(0)
	for _, st := range stages {
		from := prev
		if st.Hold {
			from = st.Rate
		}
		msgs = appendConversations(msgs, p, r, t0, st.Duration.D(), from, st.Rate, horizon)
		prev, t0 = st.Rate, t0+st.Duration.D()
	}
	slices.SortStableFunc(msgs, func(a, b Message) int { return int(a.At - b.At) })
	s := &Schedule{Messages: msgs, byNonce: make(map[[10]byte]uint32, len(msgs))}
	for i := range s.Messages {
		s.Messages[i].Index = uint32(i)
		s.byNonce[MessageNonce(sc.Seed, uint32(i))] = uint32(i)
	}
	return s
}

// appendConversations adds the conversations starting within one stage,
// whose message rate goes linearly from r0 to r1 over d.
func appendConversations(msgs []Message, p *Population, r interface {
	Float64() float64
	ExpFloat64() float64
	IntN(int) int
}, t0, d time.Duration, r0, r1 float64, horizon time.Duration) []Message {
	burst := p.sc.Traffic.Burst
	peak := max(r0, r1) / burst
	if peak <= 0 {
		return msgs
	}
	// Thinning: candidate arrivals at the peak rate, kept with rate(t)/peak.
	for t := time.Duration(0); ; {
		t += time.Duration(r.ExpFloat64() / peak * float64(time.Second))
		if t >= d {
			return msgs
		}
		rate := (r0 + (r1-r0)*float64(t)/float64(d)) / burst
		if r.Float64()*peak > rate {
			continue
		}
		msgs = appendConversation(msgs, p, r, t0+t, horizon)
	}
}

// appendConversation adds one conversation starting at t.
func appendConversation(msgs []Message, p *Population, r interface {
	Float64() float64
	ExpFloat64() float64
	IntN(int) int
}, t time.Duration, horizon time.Duration) []Message {
	a := UserID(r.IntN(p.Len()))
	cs := p.Contacts(a)
	if len(cs) == 0 {
		return msgs
	}
	b := cs[r.IntN(len(cs))]
	n := 1 + int(r.ExpFloat64()*(p.sc.Traffic.Burst-1)+0.5) // about geometric, mean Burst
	for i := 0; i < n && t < horizon; i++ {
		if !p.OnlineAt(a, t) {
			break
		}
		msgs = append(msgs, Message{At: t, From: a, To: b, Size: p.drawSize(r)})
		a, b = b, a
		t += time.Duration(r.ExpFloat64() * float64(p.sc.Traffic.Think))
	}
	return msgs
}

// drawSize draws a body size from the clipped log-normal distribution.
func (p *Population) drawSize(r interface{ Float64() float64 }) int {
	s := p.sc.Traffic.Size
	// Box–Muller from two uniforms keeps the draw inside this generator.
	u1, u2 := max(r.Float64(), 1e-12), r.Float64()
	z := math.Sqrt(-2*math.Log(u1)) * math.Cos(2*math.Pi*u2)
	v := int(float64(s.Median) * math.Exp(s.Sigma*z))
	return min(max(v, s.Min), s.Max)
}

// ClassOf returns the class of m's delivery.
func (p *Population) ClassOf(m Message) Class {
	if p.Domain(m.From) == p.Domain(m.To) {
		return SameDomain
	}
	return CrossDomain
}

// Lookup finds the message whose envelope id is id.
func (s *Schedule) Lookup(id string) (uint32, bool) {
	u, err := ulid.ParseStrict(id)
	if err != nil {
		return 0, false
	}
	var n [10]byte
	copy(n[:], u.Entropy())
	i, ok := s.byNonce[n]
	return i, ok
}

// MessageDeps returns the randomness and clock that seal message i at its
// intended time sent: every envelope byte derives from the seed and i, and
// the id's entropy is [MessageNonce], whatever the time.
func MessageDeps(seed string, i uint32, sent time.Time) wire.Deps {
	return wire.Deps{Rand: wire.NewSeededReader(messageSeed(seed, i)), Now: func() time.Time { return sent }}
}

// MessageNonce is the 80-bit entropy of message i's ULID: the first ten
// bytes of its seeded randomness (envelope.Seal draws the id first).
func MessageNonce(seed string, i uint32) [10]byte {
	var n [10]byte
	_, _ = io.ReadFull(wire.NewSeededReader(messageSeed(seed, i)), n[:])
	return n
}

func messageSeed(seed string, i uint32) string { return fmt.Sprintf("%s/message/%d", seed, i) }
