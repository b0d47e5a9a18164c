package loadgen

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/emsg-project/emsg/reference/protocol/address"
)

// Group is one group of the scenario, derived from the seed like
// everything else: its address names its host, the creator's server, and
// its members are listed owner (the creator) first.
type Group struct {
	Index   int
	Address address.Address // g<index>#<the creator's domain>
	Members []UserID
	slot    map[UserID]int // position of each member in Members
}

// Owner is the group's creator and owner.
func (g *Group) Owner() UserID { return g.Members[0] }

// Has reports whether u is a member of g.
func (g *Group) Has(u UserID) bool {
	_, ok := g.slot[u]
	return ok
}

// RecipientSlot is the position of member u among the recipients of a
// post by from: the members in order, from left out. ok is false when u
// is not a member or is the poster.
func (g *Group) RecipientSlot(from, u UserID) (int, bool) {
	i, ok := g.slot[u]
	if !ok || u == from {
		return 0, false
	}
	if j := g.slot[from]; j < i {
		i--
	}
	return i, true
}

// The popularity of group members: member draws follow a Zipf law over a
// seeded ranking of the users, P(rank k) ∝ (zipfV + k)^−zipfS, so the
// first few hundred ranks fill most seats and some users sit in many
// groups, while anyone may be drawn.
const (
	zipfS = 1.2
	zipfV = 20
)

// buildGroups draws the scenario's groups when it has group traffic:
// sizes from a Pareto law (shape Alpha, scale Min) cut at Max (and at the
// number of users), members by
// popularity across every domain, the first drawn the owner.
func (p *Population) buildGroups() {
	gs := p.sc.Groups
	p.memberOf = make([][]int32, p.Len())
	if gs.Share <= 0 || gs.Count == 0 {
		return
	}
	r := p.rng("groups")
	rank := r.Perm(p.Len())
	zipf := rand.NewZipf(r, zipfS, zipfV, uint64(p.Len()-1))
	for k := range gs.Count {
		size := paretoSize(r, gs, p.Len())
		g := Group{Index: k, slot: make(map[UserID]int, size)}
		for len(g.Members) < size {
			u := UserID(rank[zipf.Uint64()])
			for try := 0; g.Has(u) && try < 16; try++ {
				u = UserID(rank[zipf.Uint64()])
			}
			for g.Has(u) { // a popular draw again: anyone instead
				u = UserID(r.IntN(p.Len()))
			}
			g.slot[u] = len(g.Members)
			g.Members = append(g.Members, u)
			p.memberOf[u] = append(p.memberOf[u], int32(k))
		}
		g.Address = address.Address{Local: fmt.Sprintf("g%d", k), Domain: p.Domain(g.Owner())}
		p.groups = append(p.groups, g)
	}
}

// paretoSize draws a group size: Min/U^(1/Alpha), cut at Max and at the
// number of users.
func paretoSize(r *rand.Rand, gs Groups, users int) int {
	u := max(r.Float64(), 1e-12)
	size := float64(gs.Min) / math.Pow(u, 1/gs.Alpha)
	return int(min(size, float64(gs.Max), float64(users)))
}

// GroupIndex returns the index of the group with address a.
func (p *Population) GroupIndex(a address.Address) (int, bool) {
	var k int
	if _, err := fmt.Sscanf(a.Local, "g%d", &k); err != nil || k < 0 || k >= len(p.groups) || p.groups[k].Address != a {
		return 0, false
	}
	return k, true
}

// Groups returns the scenario's groups (none without group traffic).
func (p *Population) Groups() []Group { return p.groups }

// GroupsOf returns the indices of the groups user u is a member of.
func (p *Population) GroupsOf(u UserID) []int32 { return p.memberOf[u] }

// GroupStats describes the groups: how many, their memberships in all,
// the largest, and the most groups one user is in.
func (p *Population) GroupStats() (count, memberships, largest, mostGroups int) {
	for _, g := range p.groups {
		memberships += len(g.Members)
		largest = max(largest, len(g.Members))
	}
	for _, gs := range p.memberOf {
		mostGroups = max(mostGroups, len(gs))
	}
	return len(p.groups), memberships, largest, mostGroups
}
