package server

import (
	"slices"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/reference/server/admin"
	"github.com/emsg-project/emsg/reference/server/contacts"
	"github.com/emsg-project/emsg/reference/server/groups"
	"github.com/emsg-project/emsg/reference/server/httpapi"
	"github.com/emsg-project/emsg/reference/server/store"
)

// routeAdmin mounts the admin API (when the configuration offers it and
// names an operator key): suspension closes the account's streams, a new
// policy adjusts the rate limits at once, and auto_join may name the
// groups this server hosts.
func (s *Server) routeAdmin(m *httpapi.Mux, grp *groups.Service) error {
	adm, err := admin.New(s.store, s.cfg, s.deps, s.policy, admin.Hooks{
		Revoke:        s.hub.Revalidate,
		HostsGroup:    s.hostsGroup,
		Groups:        s.countGroups,
		PolicyChanged: s.limits.apply,
		Depart:        depart(s.cfg.Domain, s.deps, grp),
		Wake:          s.wake,
	})
	if err != nil {
		return err
	}
	adm.Routes(m)
	return nil
}

// hostsGroup reports whether group is a live group this server hosts.
func (s *Server) hostsGroup(group string) bool {
	a, err := address.ParseCanonical(group)
	if err != nil || a.Domain != s.cfg.Domain {
		return false
	}
	var hosted bool
	_ = s.store.View(func(tx *store.Tx) error {
		g, ok, err := tx.GetGroup(group)
		hosted = ok && !g.Dissolved
		return err
	})
	return hosted
}

// countGroups counts the live groups this server hosts.
func (s *Server) countGroups() int {
	var n int
	_ = s.store.View(func(tx *store.Tx) error {
		var err error
		n, err = tx.CountHostedGroups(s.cfg.Domain)
		return err
	})
	return n
}

// depart takes a deleted account out of its contacts' lists and its
// groups, in the deletion's store operation.
func depart(domain string, deps wire.Deps, grp *groups.Service) func(*store.Tx, address.Address) ([]address.Address, []string, error) {
	return func(tx *store.Tx, addr address.Address) ([]address.Address, []string, error) {
		cfx, err := contacts.RemoveAllTx(tx, domain, addr, deps.Millis())
		if err != nil {
			return nil, nil, err
		}
		gfx, err := grp.LeaveAllTx(tx, addr)
		if err != nil {
			return nil, nil, err
		}
		return append(cfx.Wake, gfx.Wake...), append(cfx.Kick, gfx.Kick...), nil
	}
}

// wake notifies each account's streams and kicks each destination's
// queue once.
func (s *Server) wake(accounts []address.Address, dests []string) {
	for i, a := range accounts {
		if slices.Index(accounts, a) == i {
			s.hub.Notify(a)
		}
	}
	for i, d := range dests {
		if slices.Index(dests, d) == i {
			s.outbox.Kick(d)
		}
	}
}

// autoJoin adapts the groups service to the accounts service's auto_join
// at registration (ACCT-AUTOJOIN-01).
func autoJoin(grp *groups.Service) func(tx *store.Tx, group string, account address.Address) ([]address.Address, []string, error) {
	return func(tx *store.Tx, group string, account address.Address) ([]address.Address, []string, error) {
		fx, err := grp.AutoJoinTx(tx, group, account)
		return fx.Wake, fx.Kick, err
	}
}
