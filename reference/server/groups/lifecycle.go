package groups

import (
	"slices"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/server/store"
)

// The functions of this file are for the parts of the server that change
// membership on the host's own authority, inside their store operation:
// registration (auto_join) and account moves. The caller wakes the
// returned effects after its commit.

// AutoJoinTx makes the new account a member of the hosted group, with a
// joined event, as the policy's auto_join asks at registration
// (ACCT-AUTOJOIN-01). A group this server does not host, or one that is
// dissolved, is skipped: auto_join can only name groups of this server.
func (s *Service) AutoJoinTx(tx *store.Tx, group string, account address.Address) (Effects, error) {
	g, err := s.host.hosted(tx, group)
	if err != nil || g.Role(account.String()) != "" {
		return Effects{}, ignoreRefusal(err)
	}
	before := slices.Clone(g.Members)
	g.Invited = slices.DeleteFunc(g.Invited, func(a string) bool { return a == account.String() })
	g.Members = append(g.Members, store.GroupMember{Address: account.String(), Role: store.RoleMember})
	return s.host.commit(tx, &g, before, Event{Kind: kindJoined, Actor: account.String()}, s.now())
}

// MemberMovedTx applies a verified move notice of a member to every group
// this server hosts where old is a member: a left event for the old
// address and an invited event for the new one (GROUP-MOVE-01), so that
// the new address may join again. A group whose only member moves is
// dissolved instead. An owner should transfer ownership before moving: a
// moved owner leaves its group with no owner who can act (admins can
// still invite, kick and rename).
func (s *Service) MemberMovedTx(tx *store.Tx, old, moved address.Address) (Effects, error) {
	names, err := tx.GroupsOf(old.String())
	if err != nil {
		return Effects{}, err
	}
	var fx Effects
	for _, name := range names {
		g, err := s.host.hosted(tx, name)
		if err != nil {
			if err = ignoreRefusal(err); err != nil {
				return Effects{}, err
			}
			continue
		}
		more, err := s.moveIn(tx, g, old.String(), moved.String())
		if err != nil {
			return Effects{}, err
		}
		fx.add(more)
	}
	return fx, nil
}

// moveIn records old's departure and new's invitation in g.
func (s *Service) moveIn(tx *store.Tx, g store.Group, old, moved string) (Effects, error) {
	now := s.now()
	before := slices.Clone(g.Members)
	if len(g.Members) == 1 {
		g.Dissolved = true
		return s.host.commit(tx, &g, before, Event{Kind: kindDissolved, Actor: old}, now)
	}
	removeMember(&g, old)
	fx, err := s.host.commit(tx, &g, before, Event{Kind: kindLeft, Actor: old}, now)
	if err != nil {
		return Effects{}, err
	}
	before = slices.Clone(g.Members)
	g.Invited = append(g.Invited, moved)
	more, err := s.host.commit(tx, &g, before, Event{Kind: kindInvited, Actor: g.Address, Target: moved}, now)
	fx.add(more)
	return fx, err
}

// ignoreRefusal drops an error that is a refusal (not_found, gone) and
// keeps a failure of the store.
func ignoreRefusal(err error) error {
	if err != nil && isRefusal(err) {
		return nil
	}
	return err
}
