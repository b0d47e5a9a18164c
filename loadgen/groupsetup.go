package loadgen

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"github.com/emsg-project/emsg/reference/protocol/address"
)

// Groups are built over the real protocol, each shard doing its users'
// part without a coordinator, like the contact handshake:
//
//   - the shard of a group's owner creates it on the owner's server
//     (POST /groups with the local part g<index>) and invites every other
//     member once that member exists (GET /keys/{member} through the
//     owner's server answers, which for a member of another shard means
//     that shard has registered it);
//   - the shard of a member joins when the invited event reaches the
//     member's stream (POST /groups/{g}/join at the member's own server,
//     which forwards it to the host) and counts the membership when the
//     host's joined event comes back;
//   - before its schedule starts, a shard waits until its memberships are
//     joined and every group one of its users belongs to is complete, as
//     a member's server shows it (GET /groups/{g}): a post to a group
//     still missing a member would be fanned out without it.

// groupSetup is the state of building the groups.
type groupSetup struct {
	created, invited, joinedN atomic.Int64

	mu     sync.Mutex
	joined map[membership]bool // memberships of this shard's users the host confirmed
}

// membership is a user in a group.
type membership struct {
	u UserID
	g int32
}

// groupEvent is a group event as the stream carries it (group-event.json).
type groupEvent struct {
	Group  string `json:"group"`
	Kind   string `json:"kind"`
	Actor  string `json:"actor"`
	Target string `json:"target"`
}

// groupPath is the path of group g's resource, suffix appended.
func groupPath(g address.Address, suffix string) string {
	return "/emsg/v1/groups/" + url.PathEscape(g.String()) + suffix
}

// makeGroups builds the groups: creates and invites for this shard's
// owners, and waits until this shard's memberships are joined and its
// groups complete.
func (r *Runner) makeGroups(ctx context.Context) error {
	if len(r.pop.groups) == 0 {
		return nil
	}
	var owned []*Group
	var invites []membership
	for i := range r.pop.groups {
		g := &r.pop.groups[i]
		if r.opts.Shard.Owns(g.Owner()) {
			owned = append(owned, g)
			for _, m := range g.Members[1:] {
				invites = append(invites, membership{u: m, g: int32(g.Index)})
			}
		}
	}
	if err := forEach(ctx, owned, r.opts.Setup, r.createGroup); err != nil {
		return err
	}
	if err := forEach(ctx, invites, r.opts.Setup, r.invite); err != nil {
		return err
	}
	return r.awaitGroups(ctx)
}

// createGroup creates g on its owner's server. address_taken means a
// run before this one (same seed) created it: its members are there.
func (r *Runner) createGroup(ctx context.Context, g *Group) error {
	owner := r.byID[g.Owner()]
	body := map[string]string{"name": "load " + g.Address.Local, "local": g.Address.Local}
	err := r.retry(ctx, func() error {
		return r.cl.doJSON(ctx, g.Address.Domain, owner.tok(), "POST", "/emsg/v1/groups", body, nil)
	})
	var ce *callError
	switch {
	case errors.As(err, &ce) && ce.Code == "address_taken":
	case err != nil:
		r.countError(errorCode(err))
		return fmt.Errorf("create group %s: %w", g.Address, err)
	default:
		r.grp.created.Add(1)
	}
	return nil
}

// invite invites member m.u to its group once the member exists: a member
// of another shard may not be registered yet, and an invitation to an
// account its server does not have is dropped there.
func (r *Runner) invite(ctx context.Context, m membership) error {
	g := &r.pop.groups[m.g]
	owner := r.byID[g.Owner()]
	who := r.pop.Address(m.u)
	if !r.opts.Shard.Owns(m.u) { // this shard registered its own members already
		err := r.retry(ctx, func() error {
			return r.cl.do(ctx, g.Address.Domain, owner.tok(), "GET", "/emsg/v1/keys/"+url.PathEscape(who.String()), nil, nil)
		})
		if err != nil {
			r.countError(errorCode(err))
			return fmt.Errorf("invite %s to %s: its keys: %w", who, g.Address, err)
		}
	}
	err := r.retry(ctx, func() error {
		return r.cl.doJSON(ctx, g.Address.Domain, owner.tok(), "POST", groupPath(g.Address, "/invites"), map[string]string{"address": who.String()}, nil)
	})
	if err != nil {
		r.countError(errorCode(err))
		return fmt.Errorf("invite %s to %s: %w", who, g.Address, err)
	}
	r.grp.invited.Add(1)
	return nil
}

// groupEvent handles a group event on u's stream: u joins a group it is
// invited to, and a joined event of u confirms its membership.
func (r *Runner) groupEvent(u *simUser, ev groupEvent) {
	ga, err := address.Parse(ev.Group)
	if err != nil {
		r.countError("bad_group_event")
		return
	}
	gi, ok := r.pop.GroupIndex(ga)
	me := r.pop.Address(u.id).String()
	if !ok || !r.pop.groups[gi].Has(u.id) {
		if ev.Target == me || ev.Actor == me {
			r.countError("unexpected_group_event")
		}
		return
	}
	switch {
	case ev.Kind == "invited" && ev.Target == me:
		go r.join(u, &r.pop.groups[gi])
	case ev.Kind == "joined" && ev.Actor == me:
		r.confirmMembership(membership{u: u.id, g: int32(gi)})
	}
}

// join asks u's server to join g.
func (r *Runner) join(u *simUser, g *Group) {
	err := r.retry(r.ctx, func() error {
		return r.cl.do(r.ctx, r.pop.Domain(u.id), u.tok(), "POST", groupPath(g.Address, "/join"), nil, nil)
	})
	if err != nil {
		r.countError(errorCode(err))
	}
}

// confirmMembership counts a membership once.
func (r *Runner) confirmMembership(m membership) {
	r.grp.mu.Lock()
	defer r.grp.mu.Unlock()
	if !r.grp.joined[m] {
		r.grp.joined[m] = true
		r.grp.joinedN.Add(1)
	}
}

// awaitGroups waits until every membership of this shard's users is
// confirmed, then until every group with a member here is complete.
func (r *Runner) awaitGroups(ctx context.Context) error {
	var expect int64
	check := map[int32]UserID{} // each group with a member here, and that member
	for _, u := range r.users {
		for _, gi := range r.pop.GroupsOf(u.id) {
			if r.pop.groups[gi].Owner() != u.id {
				expect++
			}
			check[gi] = u.id
		}
	}
	state := func() string {
		return fmt.Sprintf("%d of %d memberships confirmed", r.grp.joinedN.Load(), expect)
	}
	for r.grp.joinedN.Load() < expect {
		// While the count moves, wait; when it stalls, ask the servers: a
		// membership a run before this one made sends no event.
		last := r.grp.joinedN.Load()
		quiet, cancel := context.WithTimeout(ctx, contactsQuiet)
		_ = r.await(quiet, "groups", func() bool { return r.grp.joinedN.Load() != last || r.grp.joinedN.Load() >= expect }, state)
		cancel()
		if ctx.Err() != nil {
			return fmt.Errorf("groups: %w (%s)", ctx.Err(), state())
		}
		if r.grp.joinedN.Load() == last {
			for gi, u := range check {
				if _, err := r.groupComplete(ctx, gi, u); err != nil {
					return err
				}
			}
		}
	}
	for gi, u := range check {
		for delay := 100 * time.Millisecond; ; delay = min(2*delay, 2*time.Second) {
			done, err := r.groupComplete(ctx, gi, u)
			if err != nil {
				return err
			}
			if done {
				break
			}
			if !sleepUntil(ctx, time.Now().Add(delay)) {
				return fmt.Errorf("groups: %s incomplete: %w", r.pop.groups[gi].Address, ctx.Err())
			}
		}
	}
	return nil
}

// groupComplete reads group gi as member u's server knows it, confirms
// the memberships of this shard's users it lists, and reports whether
// every member is in.
func (r *Runner) groupComplete(ctx context.Context, gi int32, u UserID) (bool, error) {
	g := &r.pop.groups[gi]
	var ans struct {
		Members []struct {
			Address string `json:"address"`
		} `json:"members"`
	}
	err := r.retry(ctx, func() error {
		err := r.cl.do(ctx, r.pop.Domain(u), r.byID[u].tok(), "GET", groupPath(g.Address, ""), nil, &ans)
		var ce *callError
		if errors.As(err, &ce) && ce.Status == 404 {
			return errNotYet
		}
		return err
	})
	var ce *callError
	switch {
	case errors.Is(err, errNotYet), errors.As(err, &ce) && ce.Code == "forbidden":
		return false, nil // u's server has no copy of the group yet, or u is not in yet
	case err != nil:
		return false, fmt.Errorf("groups: read %s as %s: %w", g.Address, r.pop.Address(u), err)
	}
	in := 0
	for _, m := range ans.Members {
		a, err := address.Parse(m.Address)
		if err != nil {
			continue
		}
		if id, ok := r.pop.Lookup(a); ok && g.Has(id) {
			in++
			if r.opts.Shard.Owns(id) && id != g.Owner() {
				r.confirmMembership(membership{u: id, g: gi})
			}
		}
	}
	return in == len(g.Members), nil
}

// errNotYet is a member's server that does not know the group yet (it
// learns it when its first member joins).
var errNotYet = errors.New("the group is not known there yet")

// retry calls f until it succeeds, fails for good, or ctx ends; the
// temporary failures of setup calls (not found yet, network, rate
// limited, 5xx) are tried again with backoff.
func (r *Runner) retry(ctx context.Context, f func() error) error {
	var err error
	for delay := 100 * time.Millisecond; ; delay = min(2*delay, 2*time.Second) {
		err = f()
		if err == nil || !retryable(err) || !sleepUntil(ctx, time.Now().Add(delay)) {
			return err
		}
	}
}

// forEach runs f for every item on n goroutines and returns the errors.
func forEach[T any](ctx context.Context, items []T, n int, f func(context.Context, T) error) error {
	var next atomic.Int64
	var mu sync.Mutex
	var errs []error
	var wg sync.WaitGroup
	for range min(n, max(1, len(items))) {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < len(items) && ctx.Err() == nil; i = int(next.Add(1) - 1) {
				if err := f(ctx, items[i]); err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	if len(errs) == 0 && ctx.Err() != nil {
		return ctx.Err()
	}
	if len(errs) > 3 {
		errs = append(errs[:3], fmt.Errorf("and %d more", len(errs)-3))
	}
	return errors.Join(errs...)
}
