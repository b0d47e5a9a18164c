package groups

import (
	"context"
	"fmt"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/reference/server/store"
)

// LeaveAll takes the account addr out of every group it belongs to, as
// account deletion does (section 4, "Export, import, move, delete"): it
// leaves each group, and dissolves those it owns (an owner cannot leave).
// Requests for groups hosted elsewhere are queued for their hosts. It is
// for the account lifecycle; [Service.LeaveAllTx] does the same inside a
// caller's store operation.
func (s *Service) LeaveAll(ctx context.Context, addr address.Address) error {
	var fx Effects
	err := s.st.Update(ctx, func(tx *store.Tx) error {
		var err error
		fx, err = s.LeaveAllTx(tx, addr)
		return err
	})
	if err != nil {
		return fmt.Errorf("leave the groups of %s: %w", addr, err)
	}
	s.wake(fx)
	return nil
}

// LeaveAllTx is [Service.LeaveAll] in the caller's store operation; the
// caller wakes the returned effects (streams and queues) after its commit.
// Refusals (a group dissolved meanwhile) are not errors: the account is
// gone either way.
func (s *Service) LeaveAllTx(tx *store.Tx, addr address.Address) (Effects, error) {
	names, err := tx.GroupsOf(addr.String())
	if err != nil {
		return Effects{}, err
	}
	var fx Effects
	for _, name := range names {
		g, ok, err := tx.GetGroup(name)
		if err != nil {
			return Effects{}, err
		}
		if !ok {
			continue
		}
		op := opLeave
		if g.Role(addr.String()) == store.RoleOwner {
			op = opDissolve
		}
		id, now, err := s.stamp()
		if err != nil {
			return Effects{}, err
		}
		more, err := s.leaveOne(tx, Request{ID: id, Group: name, Actor: addr.String(), Op: op}, now)
		if err != nil {
			return Effects{}, err
		}
		fx.add(more)
	}
	return fx, nil
}

// leaveOne applies or forwards one request of [Service.LeaveAllTx].
func (s *Service) leaveOne(tx *store.Tx, req Request, now wire.Millis) (Effects, error) {
	if domainOf(req.Group) != s.cfg.Domain {
		return forward(tx, req)
	}
	fx, err := s.host.request(tx, req, now)
	if err != nil && isRefusal(err) {
		return Effects{}, nil
	}
	return fx, err
}
