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
	Session     Class = "session"      // a session pair's message after its first: carried by the initiator's server
	GroupFanOut Class = "group"        // a group post's fan-out, one delivery per other member
)

// Classes lists every class in report order.
var Classes = []Class{SameDomain, CrossDomain, Session, GroupFanOut}

// Message is one scheduled message: 1:1 (to To) or a group post (to
// every other member of Group). At is its intended send time, from the
// start of the run: latency counts from there, whatever happens to the
// sender (the open model; no coordinated omission). Class is the path the
// schedule intends, fixed here so that every shard and every run agree.
type Message struct {
	Index uint32
	At    time.Duration
	From  UserID
	To    UserID // the recipient of a 1:1 message
	Group int32  // the group of a post, or NoGroup
	Class Class
	Size  int
}

// NoGroup is the Group of a 1:1 message.
const NoGroup = -1

// IsGroup reports whether m is a group post.
func (m Message) IsGroup() bool { return m.Group != NoGroup }

// Schedule is every message of a run in order of intended send time,
// computed identically by every shard, and the index from envelope ids to
// messages that lets any shard recognise any message it receives.
//
// Each message has one delivery per recipient (a group post one per
// other member), numbered in message order: base[i] is message i's first.
// The delivery numbers are the ledger's keys.
type Schedule struct {
	Messages []Message
	pop      *Population
	byNonce  map[[10]byte]uint32 // the ULID entropy of each message's id
	base     []uint32            // first delivery number of each message
	total    uint32              // deliveries in all
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
	s := &Schedule{Messages: msgs, pop: p, byNonce: make(map[[10]byte]uint32, len(msgs)), base: make([]uint32, len(msgs))}
	opened := map[uint64]bool{} // session pairs whose first message is scheduled
	for i := range s.Messages {
		m := &s.Messages[i]
		m.Index = uint32(i)
		m.Class = p.classOf(*m, opened)
		s.byNonce[MessageNonce(sc.Seed, uint32(i))] = uint32(i)
		s.base[i] = s.total
		s.total += uint32(s.Recipients(*m))
	}
	return s
}

// classOf is the class of m, the messages before it classed already: a
// group post's, same-domain, or cross-domain, except that the messages
// of a session pair after its first (which opens the session, by
// federation) are session messages.
func (p *Population) classOf(m Message, opened map[uint64]bool) Class {
	switch {
	case m.IsGroup():
		return GroupFanOut
	case p.Domain(m.From) == p.Domain(m.To):
		return SameDomain
	}
	if _, ok := p.SessionInitiator(m.From, m.To); ok {
		key := pairKey(m.From, m.To)
		if opened[key] {
			return Session
		}
		opened[key] = true
	}
	return CrossDomain
}

// Recipients is the number of deliveries of m.
func (s *Schedule) Recipients(m Message) int {
	if m.IsGroup() {
		return len(s.pop.groups[m.Group].Members) - 1
	}
	return 1
}

// Deliveries is the number of deliveries of the whole schedule.
func (s *Schedule) Deliveries() int { return int(s.total) }

// DeliveryRange returns the delivery numbers of message i: [first, end).
func (s *Schedule) DeliveryRange(i uint32) (first, end uint32) {
	return s.base[i], s.base[i] + uint32(s.Recipients(s.Messages[i]))
}

// Delivery returns the delivery number of message i to user u; ok is
// false when u is not one of its recipients.
func (s *Schedule) Delivery(i uint32, u UserID) (uint32, bool) {
	m := s.Messages[i]
	if !m.IsGroup() {
		return s.base[i], m.To == u
	}
	slot, ok := s.pop.groups[m.Group].RecipientSlot(m.From, u)
	return s.base[i] + uint32(slot), ok
}

// MessageOf returns the message a delivery number belongs to. (Every
// message has a recipient, so the first delivery numbers increase
// strictly.)
func (s *Schedule) MessageOf(d uint32) uint32 {
	i, found := slices.BinarySearch(s.base, d)
	if !found {
		i--
	}
	return uint32(i)
}

// RecipientsOf calls f with every recipient of message i and its
// delivery number.
func (s *Schedule) RecipientsOf(i uint32, f func(u UserID, d uint32)) {
	m := s.Messages[i]
	if !m.IsGroup() {
		f(m.To, s.base[i])
		return
	}
	d := s.base[i]
	for _, u := range s.pop.groups[m.Group].Members {
		if u != m.From {
			f(u, d)
			d++
		}
	}
}

// appendConversations adds the conversations starting within one stage,
// whose message rate goes linearly from r0 to r1 over d.
func appendConversations(msgs []Message, p *Population, r draws, t0, d time.Duration, r0, r1 float64, horizon time.Duration) []Message {
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

// draws is the part of a random generator the schedule uses.
type draws interface {
	Float64() float64
	ExpFloat64() float64
	IntN(int) int
}

// appendConversation adds one conversation starting at t: a group
// conversation with probability Groups.Share, else a 1:1 conversation
// between a user and one of its contacts, the initiator first when they
// are a session pair. (A scenario without groups draws nothing for them,
// so its schedule is what it was before groups existed.)
func appendConversation(msgs []Message, p *Population, r draws, t time.Duration, horizon time.Duration) []Message {
	if len(p.groups) > 0 && r.Float64() < p.sc.Groups.Share {
		return appendGroupConversation(msgs, p, r, t, horizon)
	}
	a := UserID(r.IntN(p.Len()))
	cs := p.Contacts(a)
	if len(cs) == 0 {
		return msgs
	}
	b := cs[r.IntN(len(cs))]
	if init, ok := p.SessionInitiator(a, b); ok && init != a {
		a, b = b, a
	}
	n := burstLength(p, r)
	for i := 0; i < n && t < horizon; i++ {
		if !p.OnlineAt(a, t) {
			break
		}
		msgs = append(msgs, Message{At: t, From: a, To: b, Group: NoGroup, Size: p.drawSize(r)})
		a, b = b, a
		t += time.Duration(r.ExpFloat64() * float64(p.sc.Traffic.Think))
	}
	return msgs
}

// appendGroupConversation adds a burst of posts to one group starting at
// t, each by a member online at its time (drawn at random; a post whose
// draws find nobody online is left out), think times apart.
func appendGroupConversation(msgs []Message, p *Population, r draws, t time.Duration, horizon time.Duration) []Message {
	gi := r.IntN(len(p.groups))
	g := &p.groups[gi]
	limit := groupBodyLimit(len(g.Members))
	n := burstLength(p, r)
	for i := 0; i < n && t < horizon; i++ {
		for try := 0; try < 3; try++ {
			u := g.Members[r.IntN(len(g.Members))]
			if p.OnlineAt(u, t) {
				msgs = append(msgs, Message{At: t, From: u, Group: int32(gi), Size: min(p.drawSize(r), limit)})
				break
			}
		}
		t += time.Duration(r.ExpFloat64() * float64(p.sc.Traffic.Think))
	}
	return msgs
}

// burstLength draws a conversation's length: about geometric, mean Burst.
func burstLength(p *Population, r draws) int {
	return 1 + int(r.ExpFloat64()*(p.sc.Traffic.Burst-1)+0.5)
}

// groupBodyLimit is the largest body a post to a group of n members may
// carry within the 65,536-byte envelope: each member's wrapped key takes
// up to about 160 bytes, the payload is base64 (4/3) of the signed body.
func groupBodyLimit(n int) int {
	return max(1, (64000-160*n)*3/4-1024)
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
