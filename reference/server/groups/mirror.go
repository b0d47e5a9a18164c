package groups

import (
	"slices"

	"github.com/emsg-project/emsg/reference/server/store"
)

// follow applies a group event to this server's mirror of a group hosted
// elsewhere (a hosted group is never touched). A mirror starts at the
// created event (seq 1: the host replays the history to a server whose
// first member joins) and follows events strictly in seq order, so that
// every event changes it once. It is dropped when its last local member
// leaves or is kicked; a dissolved group's mirror stays, marked, so that
// later posts still go to the host, which answers gone.
func follow(tx *store.Tx, self string, ev Event) error {
	if domainOf(ev.Group) == self {
		return nil
	}
	g, ok, err := tx.GetGroup(ev.Group)
	switch {
	case err != nil:
		return err
	case !ok && ev.Seq == 1 && ev.Kind == kindCreated:
		g = store.Group{Address: ev.Group, Created: ev.TS}
	case !ok || ev.Seq != g.Seq+1:
		return nil // not followed from the start, or seen already
	}
	mirror(&g, ev)
	g.Seq = ev.Seq
	if (ev.Kind == kindLeft || ev.Kind == kindKicked) && !hasDomain(g.Members, self) {
		return tx.DeleteGroup(g.Address)
	}
	return tx.PutGroup(g)
}

// mirror changes g as ev says (group-event.json).
func mirror(g *store.Group, ev Event) {
	switch ev.Kind {
	case kindCreated:
		g.Name, g.Owner = ev.Name, ev.Actor
		g.Members = []store.GroupMember{{Address: ev.Actor, Role: store.RoleOwner}}
	case kindInvited:
		g.Invited = append(g.Invited, ev.Target)
	case kindJoined:
		g.Invited = slices.DeleteFunc(g.Invited, func(a string) bool { return a == ev.Actor })
		g.Members = append(g.Members, store.GroupMember{Address: ev.Actor, Role: store.RoleMember})
	case kindLeft:
		removeMember(g, ev.Actor)
	case kindKicked:
		removeMember(g, ev.Target)
	case kindRoleChanged:
		setMemberRole(g, ev.Target, ev.Role)
		if ev.Role == store.RoleOwner {
			setMemberRole(g, ev.Actor, store.RoleAdmin)
			g.Owner = ev.Target
		}
	case kindRenamed:
		g.Name = ev.Name
	case kindDissolved:
		g.Dissolved = true
	}
}
