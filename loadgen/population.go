package loadgen

import (
	"crypto/sha256"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/keys"
	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// UserID numbers the users of a scenario 0..Users()-1, domain by domain:
// user i lives on Domains[i / UsersPerDomain].
type UserID uint32

// Population is the scenario's users: their addresses, keys, contacts and
// online spans, all derived from the scenario and its seed. Keys are
// derived on first use and cached ([Population.Identity]), so a shard pays
// only for the users it drives and the recipients it writes to.
type Population struct {
	sc       Scenario
	contacts [][]UserID        // symmetric adjacency lists
	edges    [][2]UserID       // each contact pair once, initiator first
	online   [][]time.Duration // per user, the instants its state flips, from the first state
	startOn  []bool            // per user, online at the start
	sessions map[uint64]UserID // session pairs (by pairKey) and their initiators
	groups   []Group           // the groups, with group traffic
	memberOf [][]int32         // per user, the groups it is a member of

	mu    sync.Mutex
	ids   map[UserID]*keys.Identity
	boxes map[UserID]*[32]byte
}

// NewPopulation derives the users of sc. The contacts graph and the online
// spans cost a few hundred bytes per user; keys come later, on demand.
func NewPopulation(sc Scenario) *Population {
	p := &Population{sc: sc, ids: map[UserID]*keys.Identity{}, boxes: map[UserID]*[32]byte{}}
	p.buildContacts()
	p.buildSessions()
	p.buildGroups()
	p.buildOnline()
	return p
}

// Scenario returns the scenario the population derives from.
func (p *Population) Scenario() Scenario { return p.sc }

// Len is the number of users.
func (p *Population) Len() int { return p.sc.Users() }

// Address returns user u's address, u<n>#<domain>.
func (p *Population) Address(u UserID) address.Address {
	return address.Address{Local: fmt.Sprintf("u%d", int(u)%p.sc.UsersPerDomain), Domain: p.Domain(u)}
}

// Domain returns the domain user u lives on.
func (p *Population) Domain(u UserID) string { return p.sc.Domains[int(u)/p.sc.UsersPerDomain] }

// Lookup returns the user with address a.
func (p *Population) Lookup(a address.Address) (UserID, bool) {
	for d, dom := range p.sc.Domains {
		if dom != a.Domain {
			continue
		}
		var n int
		if _, err := fmt.Sscanf(a.Local, "u%d", &n); err != nil || n < 0 || n >= p.sc.UsersPerDomain || fmt.Sprintf("u%d", n) != a.Local {
			return 0, false
		}
		return UserID(d*p.sc.UsersPerDomain + n), true
	}
	return 0, false
}

// Identity returns user u's keys, derived from the seed with wire.Seeded
// (the same keys in every shard and every run) and cached.
func (p *Population) Identity(u UserID) (*keys.Identity, error) {
	p.mu.Lock()
	id, ok := p.ids[u]
	p.mu.Unlock()
	if ok {
		return id, nil
	}
	id, err := keys.NewIdentity(wire.Seeded(p.sc.Seed+"/user/"+p.Address(u).String(), time.Unix(1_700_000_000, 0)), p.Address(u))
	if err != nil {
		return nil, fmt.Errorf("keys of %s: %w", p.Address(u), err)
	}
	p.mu.Lock()
	p.ids[u] = id
	p.boxes[u] = id.BoxPublic()
	p.mu.Unlock()
	return id, nil
}

// BoxKey returns user u's X25519 public key.
func (p *Population) BoxKey(u UserID) (*[32]byte, error) {
	p.mu.Lock()
	k, ok := p.boxes[u]
	p.mu.Unlock()
	if ok {
		return k, nil
	}
	id, err := p.Identity(u)
	if err != nil {
		return nil, err
	}
	return id.BoxPublic(), nil
}

// Contacts returns user u's contacts.
func (p *Population) Contacts(u UserID) []UserID { return p.contacts[u] }

// Edges returns every contact pair once, the initiator (who sends the
// request) first.
func (p *Population) Edges() [][2]UserID { return p.edges }

// rng returns a deterministic generator for one purpose of the scenario.
func (p *Population) rng(purpose string) *rand.Rand {
	return seededRand(p.sc.Seed + "/" + purpose)
}

// seededRand is a ChaCha8 generator keyed by SHA-256(seed).
func seededRand(seed string) *rand.Rand {
	return rand.New(rand.NewChaCha8(sha256.Sum256([]byte(seed))))
}

// buildContacts draws Count/2 contacts per user (each pair is one
// request, so degrees average Count), CrossDomain of them on another
// domain, without self-loops or repeated pairs.
func (p *Population) buildContacts() {
	n, per, doms := p.Len(), p.sc.UsersPerDomain, len(p.sc.Domains)
	r := p.rng("contacts")
	p.contacts = make([][]UserID, n)
	seen := make(map[uint64]bool, n*p.sc.Contacts.Count/2+1)
	out := max(1, p.sc.Contacts.Count/2)
	for u := range n {
		for range out {
			var v int
			for try := 0; try < 8; try++ {
				d := u / per
				if doms > 1 && r.Float64() < p.sc.Contacts.CrossDomain {
					d = (d + 1 + r.IntN(doms-1)) % doms
				}
				v = d*per + r.IntN(per)
				key := pairKey(UserID(u), UserID(v))
				if v != u && !seen[key] {
					seen[key] = true
					p.edges = append(p.edges, [2]UserID{UserID(u), UserID(v)})
					p.contacts[u] = append(p.contacts[u], UserID(v))
					p.contacts[v] = append(p.contacts[v], UserID(u))
					break
				}
			}
		}
	}
}

// buildSessions picks the session pairs: each cross-domain contact pair
// is one with probability Sessions.Share, its initiator the user who sent
// the contact request.
func (p *Population) buildSessions() {
	p.sessions = map[uint64]UserID{}
	share := p.sc.Sessions.Share
	if share <= 0 {
		return
	}
	r := p.rng("sessions")
	for _, e := range p.edges {
		if p.Domain(e[0]) != p.Domain(e[1]) && r.Float64() < share {
			p.sessions[pairKey(e[0], e[1])] = e[0]
		}
	}
}

// SessionInitiator returns the initiator of the session pair {a, b}; ok
// is false when a and b are no session pair.
func (p *Population) SessionInitiator(a, b UserID) (initiator UserID, ok bool) {
	initiator, ok = p.sessions[pairKey(a, b)]
	return initiator, ok
}

// SessionPairs is the number of session pairs.
func (p *Population) SessionPairs() int { return len(p.sessions) }

func pairKey(a, b UserID) uint64 {
	if a > b {
		a, b = b, a
	}
	return uint64(a)<<32 | uint64(b)
}

// buildOnline draws each user's online spans over the run (and its drain):
// without churn, a fixed Fraction of the users is online throughout; with
// churn, each user alternates exponential spans of mean Fraction·Churn
// online and (1−Fraction)·Churn offline.
func (p *Population) buildOnline() {
	n := p.Len()
	p.startOn = make([]bool, n)
	p.online = make([][]time.Duration, n)
	f, churn := p.sc.Online.Fraction, p.sc.Online.Churn.D()
	horizon := p.sc.Duration()
	for u := range n {
		r := seededRand(fmt.Sprintf("%s/online/%d", p.sc.Seed, u))
		p.startOn[u] = r.Float64() < f
		if churn == 0 || f >= 1 {
			continue
		}
		on := p.startOn[u]
		for t := time.Duration(0); ; {
			mean := float64(churn) * f
			if !on {
				mean = float64(churn) * (1 - f)
			}
			t += time.Duration(r.ExpFloat64() * mean)
			if t >= horizon {
				break
			}
			p.online[u] = append(p.online[u], t)
			on = !on
		}
	}
}

// OnlineAt reports whether user u is online at offset t of the run.
func (p *Population) OnlineAt(u UserID, t time.Duration) bool {
	on := p.startOn[u]
	for _, flip := range p.online[u] {
		if flip > t {
			break
		}
		on = !on
	}
	return on
}

// Flips returns the instants user u goes online or offline, and whether
// it starts online.
func (p *Population) Flips(u UserID) (startOnline bool, flips []time.Duration) {
	return p.startOn[u], p.online[u]
}

// Shard is a deterministic slice of the users: user u belongs to shard
// u mod Count. The zero value is the whole run.
type Shard struct {
	Index, Count int
}

// Owns reports whether the shard drives user u.
func (s Shard) Owns(u UserID) bool {
	return s.Count <= 1 || int(u)%s.Count == s.Index
}

func (s Shard) String() string {
	if s.Count <= 1 {
		return "1/1"
	}
	return fmt.Sprintf("%d/%d", s.Index, s.Count)
}

// ParseShard reads "i/N" (0 ≤ i < N).
func ParseShard(v string) (Shard, error) {
	var s Shard
	if _, err := fmt.Sscanf(v, "%d/%d", &s.Index, &s.Count); err != nil || s.Count < 1 || s.Index < 0 || s.Index >= s.Count || fmt.Sprintf("%d/%d", s.Index, s.Count) != v {
		return Shard{}, fmt.Errorf("shard %q: want i/N with 0 ≤ i < N, like 0/4", v)
	}
	return s, nil
}
