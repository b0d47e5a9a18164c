package groups

import (
	"slices"

	"github.com/emsg-project/emsg/reference/server/httpapi"
	"github.com/emsg-project/emsg/reference/server/store"
)

// applyOp checks req against the hosted group g and, when it is allowed,
// changes g and returns the event that records the change (seq and ts are
// set by [host.commit]); changed is false for a request that repeats a
// state already reached (an invitation pending, a member joining again, a
// role it already has), which is accepted and changes nothing. Checks run
// in the spec's order: the actor's role (forbidden, GROUP-AUTHZ-01), then
// the operation's own (GROUP-JOIN-01, GROUP-LEAVE-01, not_found for a
// target that is no member, too_large beyond [MaxMembers]).
func (h *host) applyOp(tx *store.Tx, g *store.Group, req Request) (ev Event, changed bool, err error) {
	ev = Event{Group: g.Address, Kind: "", Actor: req.Actor}
	switch req.Op {
	case opJoin:
		return h.join(g, req, ev)
	case opLeave:
		return leave(g, req, ev)
	case opInvite:
		return h.invite(tx, g, req, ev)
	case opKick:
		return kick(g, req, ev)
	case opRole:
		return setRole(g, req, ev)
	case opRename:
		if !isAdmin(g.Role(req.Actor)) {
			return ev, false, httpapi.Errorf("forbidden", "only the owner or an admin may rename %s", g.Address)
		}
		g.Name = req.Name
		ev.Kind, ev.Name = kindRenamed, req.Name
		return ev, true, nil
	case opDissolve:
		if g.Role(req.Actor) != store.RoleOwner {
			return ev, false, httpapi.Errorf("forbidden", "only the owner may dissolve %s", g.Address)
		}
		g.Dissolved = true
		ev.Kind = kindDissolved
		return ev, true, nil
	}
	return ev, false, httpapi.Errorf("bad_request", "unknown group operation %q", req.Op)
}

// join makes an invited account a member (GROUP-JOIN-01).
func (h *host) join(g *store.Group, req Request, ev Event) (Event, bool, error) {
	if g.Role(req.Actor) != "" {
		return ev, false, nil // already a member: (group, caller) is the idempotency key
	}
	i := slices.Index(g.Invited, req.Actor)
	if i < 0 {
		return ev, false, httpapi.Errorf("forbidden", "%s has no pending invitation to %s", req.Actor, g.Address)
	}
	g.Invited = slices.Delete(g.Invited, i, i+1)
	g.Members = append(g.Members, store.GroupMember{Address: req.Actor, Role: store.RoleMember})
	ev.Kind = kindJoined
	return ev, true, nil
}

// leave removes a member other than the owner (GROUP-LEAVE-01).
func leave(g *store.Group, req Request, ev Event) (Event, bool, error) {
	switch g.Role(req.Actor) {
	case "":
		return ev, false, httpapi.Errorf("not_found", "%s is not a member of %s", req.Actor, g.Address)
	case store.RoleOwner:
		return ev, false, httpapi.Errorf("forbidden", "the owner cannot leave %s: transfer ownership or dissolve it", g.Address)
	}
	removeMember(g, req.Actor)
	ev.Kind = kindLeft
	return ev, true, nil
}

// invite records a pending invitation of the target.
func (h *host) invite(tx *store.Tx, g *store.Group, req Request, ev Event) (Event, bool, error) {
	if !isAdmin(g.Role(req.Actor)) {
		return ev, false, httpapi.Errorf("forbidden", "only the owner or an admin may invite to %s", g.Address)
	}
	if g.Role(req.Target) != "" || slices.Contains(g.Invited, req.Target) {
		return ev, false, nil // (group, invited address) is the idempotency key
	}
	if domainOf(req.Target) == h.self {
		a, ok, err := tx.GetAccount(req.Target)
		if err != nil {
			return ev, false, err
		}
		if !ok || a.State != store.StateActive {
			return ev, false, httpapi.Errorf("not_found", "no account %s", req.Target)
		}
	}
	if len(g.Members)+len(g.Invited) >= MaxMembers {
		return ev, false, httpapi.Errorf("too_large", "%s has reached its limit of %d members and invitations", g.Address, MaxMembers)
	}
	g.Invited = append(g.Invited, req.Target)
	ev.Kind, ev.Target = kindInvited, req.Target
	return ev, true, nil
}

// kick removes a member: the owner any other member, an admin plain
// members only.
func kick(g *store.Group, req Request, ev Event) (Event, bool, error) {
	actor := g.Role(req.Actor)
	if !isAdmin(actor) {
		return ev, false, httpapi.Errorf("forbidden", "only the owner or an admin may kick from %s", g.Address)
	}
	target := g.Role(req.Target)
	switch {
	case target == "":
		return ev, false, httpapi.Errorf("not_found", "%s is not a member of %s", req.Target, g.Address)
	case req.Target == req.Actor:
		return ev, false, httpapi.Errorf("forbidden", "%s cannot kick itself: leave instead", req.Actor)
	case target == store.RoleOwner, target == store.RoleAdmin && actor != store.RoleOwner:
		return ev, false, httpapi.Errorf("forbidden", "a %s cannot kick the %s %s", actor, target, req.Target)
	}
	removeMember(g, req.Target)
	ev.Kind, ev.Target = kindKicked, req.Target
	return ev, true, nil
}

// setRole changes a member's role; giving the role owner transfers
// ownership and makes the actor an admin (GROUP-OWNER-01).
func setRole(g *store.Group, req Request, ev Event) (Event, bool, error) {
	if g.Role(req.Actor) != store.RoleOwner {
		return ev, false, httpapi.Errorf("forbidden", "only the owner may change roles in %s", g.Address)
	}
	current := g.Role(req.Target)
	switch {
	case current == "":
		return ev, false, httpapi.Errorf("not_found", "%s is not a member of %s", req.Target, g.Address)
	case req.Target == req.Actor:
		return ev, false, httpapi.Errorf("forbidden", "the owner cannot change its own role: give another member the role owner")
	case current == req.Role:
		return ev, false, nil // (group, member, role) is the idempotency key
	}
	setMemberRole(g, req.Target, req.Role)
	if req.Role == store.RoleOwner {
		setMemberRole(g, req.Actor, store.RoleAdmin)
		g.Owner = req.Target
	}
	ev.Kind, ev.Target, ev.Role = kindRoleChanged, req.Target, req.Role
	return ev, true, nil
}

// isAdmin reports whether role may invite, kick and rename.
func isAdmin(role string) bool { return role == store.RoleOwner || role == store.RoleAdmin }

// removeMember takes addr out of g's members.
func removeMember(g *store.Group, addr string) {
	g.Members = slices.DeleteFunc(g.Members, func(m store.GroupMember) bool { return m.Address == addr })
}

// setMemberRole gives the member addr of g the role.
func setMemberRole(g *store.Group, addr, role string) {
	for i := range g.Members {
		if g.Members[i].Address == addr {
			g.Members[i].Role = role
		}
	}
}
