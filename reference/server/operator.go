package server

import (
	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/server/admin"
	"github.com/emsg-project/emsg/reference/server/groups"
	"github.com/emsg-project/emsg/reference/server/httpapi"
	"github.com/emsg-project/emsg/reference/server/store"
)

// routeAdmin mounts the admin API (when the configuration offers it and
// names an operator key): suspension closes the account's streams, a new
// policy adjusts the rate limits at once, and auto_join may name the
// groups this server hosts.
func (s *Server) routeAdmin(m *httpapi.Mux) error {
	adm, err := admin.New(s.store, s.cfg, s.deps, s.policy, admin.Hooks{
		Revoke:        s.hub.Revalidate,
		HostsGroup:    s.hostsGroup,
		Groups:        s.countGroups,
		PolicyChanged: s.limits.apply,
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

// autoJoin adapts the groups service to the accounts service's auto_join
// at registration (ACCT-AUTOJOIN-01).
func autoJoin(grp *groups.Service) func(tx *store.Tx, group string, account address.Address) ([]address.Address, []string, error) {
	return func(tx *store.Tx, group string, account address.Address) ([]address.Address, []string, error) {
		fx, err := grp.AutoJoinTx(tx, group, account)
		return fx.Wake, fx.Kick, err
	}
}
