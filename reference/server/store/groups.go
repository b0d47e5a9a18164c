package store

import (
	"bytes"
	"fmt"

	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// Buckets of the groups profile (section 6). A server keeps one record per
// group it hosts and, for groups hosted elsewhere, a mirror built from the
// events its members receive; both live in bucketGroups, told apart by the
// domain of the address. bucketGroupIndex lists the groups of each member
// (for GET /groups) and is kept by [Tx.PutGroup]; bucketGroupLog holds a
// hosted group's events in seq order (replayed to a server whose first
// member joins).
var (
	bucketGroups     = []byte("groups")      // group address → Group JSON
	bucketGroupIndex = []byte("group_index") // member\x00group → empty
	bucketGroupLog   = []byte("group_log")   // group\x00seq → raw group event
)

// Group roles (defs.json role).
const (
	RoleOwner  = "owner"
	RoleAdmin  = "admin"
	RoleMember = "member"
)

// GroupMember is a member of a group and its role.
type GroupMember struct {
	Address string `json:"address"`
	Role    string `json:"role"`
}

// Group is a group as this server knows it: in full when it hosts it, as
// last learned from the host's events otherwise. Seq is the seq of the last
// event applied; Invited lists pending invitations (hosted groups only); a
// dissolved hosted group keeps its record so that its address answers gone
// and stays taken.
type Group struct {
	Address   string        `json:"address"`
	Name      string        `json:"name"`
	Owner     string        `json:"owner"`
	Created   wire.Millis   `json:"created"`
	Members   []GroupMember `json:"members"`
	Seq       uint64        `json:"seq"`
	Invited   []string      `json:"invited,omitempty"`
	Dissolved bool          `json:"dissolved,omitempty"`
}

// Role returns the role of addr in g, or "" when addr is not a member.
func (g *Group) Role(addr string) string {
	for _, m := range g.Members {
		if m.Address == addr {
			return m.Role
		}
	}
	return ""
}

// GetGroup returns the group record of addr and whether there is one.
func (t *Tx) GetGroup(addr string) (Group, bool, error) {
	if err := checkName("group", addr); err != nil {
		return Group{}, false, fmt.Errorf("get group: %w", err)
	}
	var g Group
	ok, err := t.getJSON(bucketGroups, []byte(addr), &g)
	if err != nil {
		return Group{}, false, fmt.Errorf("get group %s: %w", addr, err)
	}
	return g, ok, nil
}

// PutGroup creates or replaces the record of g and brings the member index
// up to date: every member of g is indexed, former members are not, and a
// dissolved group indexes nobody.
func (t *Tx) PutGroup(g Group) error {
	if err := checkName("group", g.Address); err != nil {
		return fmt.Errorf("put group: %w", err)
	}
	old, _, err := t.GetGroup(g.Address)
	if err != nil {
		return err
	}
	if err := t.unindex(old); err != nil {
		return err
	}
	if err := t.putJSON(bucketGroups, []byte(g.Address), g); err != nil {
		return fmt.Errorf("put group %s: %w", g.Address, err)
	}
	if g.Dissolved {
		return nil
	}
	for _, m := range g.Members {
		if err := checkName("member", m.Address); err != nil {
			return fmt.Errorf("put group %s: %w", g.Address, err)
		}
		if err := t.put(bucketGroupIndex, nameKey(m.Address, g.Address), []byte{}); err != nil {
			return fmt.Errorf("put group %s: %w", g.Address, err)
		}
	}
	return nil
}

// DeleteGroup removes the record of addr (a mirror no local member needs
// any more) and its index entries; an absent group is fine.
func (t *Tx) DeleteGroup(addr string) error {
	g, ok, err := t.GetGroup(addr)
	if err != nil || !ok {
		return err
	}
	if err := t.unindex(g); err != nil {
		return err
	}
	return t.del(bucketGroups, []byte(addr))
}

// unindex removes the index entries of g's members.
func (t *Tx) unindex(g Group) error {
	for _, m := range g.Members {
		if m.Address == "" {
			continue
		}
		if err := t.del(bucketGroupIndex, nameKey(m.Address, g.Address)); err != nil {
			return fmt.Errorf("unindex group %s: %w", g.Address, err)
		}
	}
	return nil
}

// GroupsOf returns the addresses of the groups member belongs to, in byte
// order.
func (t *Tx) GroupsOf(member string) ([]string, error) {
	if err := checkName("groups of", member); err != nil {
		return nil, err
	}
	var out []string
	prefix := prefixOf(member)
	c := t.cursor(bucketGroupIndex)
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		out = append(out, string(k[len(prefix):]))
	}
	return out, nil
}

// AppendGroupEvent stores the raw event seq of a hosted group.
func (t *Tx) AppendGroupEvent(group string, seq uint64, event []byte) error {
	if err := checkName("group", group); err != nil {
		return fmt.Errorf("append group event: %w", err)
	}
	if err := t.put(bucketGroupLog, seqKey(group, seq), bytes.Clone(event)); err != nil {
		return fmt.Errorf("append group event %s/%d: %w", group, seq, err)
	}
	return nil
}

// GroupEvents returns the stored events of a hosted group with a seq in
// [from, to], in seq order.
func (t *Tx) GroupEvents(group string, from, to uint64) ([][]byte, error) {
	if err := checkName("group", group); err != nil {
		return nil, fmt.Errorf("group events: %w", err)
	}
	var out [][]byte
	prefix := prefixOf(group)
	c := t.cursor(bucketGroupLog)
	for k, v := c.Seek(seqKey(group, from)); k != nil && bytes.HasPrefix(k, prefix) && seqOf(k) <= to; k, v = c.Next() {
		out = append(out, bytes.Clone(v))
	}
	return out, nil
}
