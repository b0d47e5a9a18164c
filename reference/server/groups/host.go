package groups

import (
	"encoding/json"
	"fmt"
	"slices"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/reference/server/httpapi"
	"github.com/emsg-project/emsg/reference/server/store"
)

// host is the hosting side of a server: the groups on its domain self.
type host struct{ self string }

// hosted returns the group addr this server hosts: not_found when it hosts
// no such group (GROUP-UNKNOWN-01), gone once it was dissolved
// (GROUP-DISSOLVE-01).
func (h *host) hosted(tx *store.Tx, addr string) (store.Group, error) {
	g, ok, err := tx.GetGroup(addr)
	switch {
	case err != nil:
		return store.Group{}, err
	case !ok || domainOf(addr) != h.self:
		return store.Group{}, httpapi.Errorf("not_found", "this server hosts no group %s", addr)
	case g.Dissolved:
		return store.Group{}, httpapi.Errorf("gone", "the group %s was dissolved", addr)
	}
	return g, nil
}

// request applies req to the hosted group it names and sends the event.
// A refusal is returned as an [*httpapi.Error] and changes nothing.
func (h *host) request(tx *store.Tx, req Request, now wire.Millis) (Effects, error) {
	g, err := h.hosted(tx, req.Group)
	if err != nil {
		return Effects{}, err
	}
	before := slices.Clone(g.Members)
	ev, changed, err := h.applyOp(tx, &g, req)
	if err != nil || !changed {
		return Effects{}, err
	}
	return h.commit(tx, &g, before, ev, now)
}

// commit numbers ev with g's next seq (GROUP-ORDER-01), stores g and the
// event, and sends the event to everyone concerned: the members before
// and after the change and the target of an invite or kick
// (GROUP-EVENT-01).
func (h *host) commit(tx *store.Tx, g *store.Group, before []store.GroupMember, ev Event, now wire.Millis) (Effects, error) {
	g.Seq++
	ev.Group, ev.Seq, ev.TS = g.Address, g.Seq, now
	raw, err := json.Marshal(ev)
	if err != nil {
		return Effects{}, fmt.Errorf("encode group event: %w", err)
	}
	if err := tx.AppendGroupEvent(g.Address, ev.Seq, raw); err != nil {
		return Effects{}, err
	}
	if err := tx.PutGroup(*g); err != nil {
		return Effects{}, err
	}
	return h.distribute(tx, g, before, ev, raw)
}

// recipients is everyone an event goes to, each once, in a stable order.
func recipients(before, after []store.GroupMember, ev Event) []string {
	var out []string
	for _, m := range append(slices.Clone(before), after...) {
		out = append(out, m.Address)
	}
	if ev.Kind == kindInvited || ev.Kind == kindKicked {
		out = append(out, ev.Target)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// distribute appends the event to the streams of local recipients and
// queues one group_event item per other server. A server that gets its
// first member with this event (a join) first gets the group's earlier
// events for that member, so that its mirror and the member start from
// seq 1.
func (h *host) distribute(tx *store.Tx, g *store.Group, before []store.GroupMember, ev Event, raw []byte) (Effects, error) {
	var fx Effects
	remote := map[string][]string{}
	for _, to := range recipients(before, g.Members, ev) {
		d := domainOf(to)
		if d != h.self {
			remote[d] = append(remote[d], to)
			continue
		}
		woken, err := pushLocal(tx, to, groupEventJSON(raw), 0)
		if err != nil {
			return Effects{}, err
		}
		fx.Wake = append(fx.Wake, woken...)
	}
	for _, d := range sortedKeys(remote) {
		if ev.Kind == kindJoined && domainOf(ev.Actor) == d && !hasDomain(before, d) {
			if err := h.replay(tx, g.Address, ev.Actor, ev.Seq); err != nil {
				return Effects{}, err
			}
		}
		item, err := eventItem(raw, remote[d])
		if err != nil {
			return Effects{}, err
		}
		if _, err := tx.Enqueue(d, item, 0); err != nil {
			return Effects{}, fmt.Errorf("queue group event for %s: %w", d, err)
		}
		fx.Kick = append(fx.Kick, d)
	}
	return fx, nil
}

// replay queues the events of group before seq for member's server, each
// addressed to member.
func (h *host) replay(tx *store.Tx, group, member string, seq uint64) error {
	if seq <= 1 {
		return nil
	}
	history, err := tx.GroupEvents(group, 1, seq-1)
	if err != nil {
		return err
	}
	for _, ev := range history {
		item, err := eventItem(ev, []string{member})
		if err != nil {
			return err
		}
		if _, err := tx.Enqueue(domainOf(member), item, 0); err != nil {
			return fmt.Errorf("queue group history for %s: %w", member, err)
		}
	}
	return nil
}

// pushLocal appends event to the stream of the local account to if it
// still reads events, and returns it to wake (nothing otherwise).
func pushLocal(tx *store.Tx, to string, event []byte, expires wire.Millis) ([]address.Address, error) {
	a, ok, err := tx.GetAccount(to)
	if err != nil || !ok || a.State != store.StateActive {
		return nil, err
	}
	if _, err := tx.AppendEvent(to, event, expires); err != nil {
		return nil, fmt.Errorf("push to %s: %w", to, err)
	}
	addr, err := address.ParseCanonical(to)
	if err != nil {
		return nil, fmt.Errorf("push to %s: %w", to, err)
	}
	return []address.Address{addr}, nil
}

// hasDomain reports whether a member of ms is on domain d.
func hasDomain(ms []store.GroupMember, d string) bool {
	return slices.ContainsFunc(ms, func(m store.GroupMember) bool { return domainOf(m.Address) == d })
}

// sortedKeys returns the keys of m in order.
func sortedKeys(m map[string][]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
