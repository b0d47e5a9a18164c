package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"

	bolt "go.etcd.io/bbolt"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/envelope"
	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// Group is a group as the account's server knows it (group.json): its
// host holds the membership; Seq is the last event applied.
type Group struct {
	Address address.Address `json:"address"`
	Name    string          `json:"name"`
	Owner   address.Address `json:"owner"`
	Created wire.Millis     `json:"created"`
	Members []GroupMember   `json:"members"`
	Seq     uint64          `json:"seq"`
}

// GroupMember is a member of a group and its role (owner, admin, member).
type GroupMember struct {
	Address address.Address `json:"address"`
	Role    string          `json:"role"`
}

// GroupEvent is a membership change as the host ordered it
// (group-event.json), carried by a [GroupChanged] notice.
type GroupEvent struct {
	Group  address.Address `json:"group"`
	Seq    uint64          `json:"seq"`
	Kind   string          `json:"kind"` // created, invited, joined, left, kicked, role_changed, renamed, dissolved
	Actor  address.Address `json:"actor"`
	Target address.Address `json:"target,omitzero"`
	Role   string          `json:"role,omitempty"`
	Name   string          `json:"name,omitempty"`
	TS     wire.Millis     `json:"ts"`
}

// groupPath is the path of a group's resource, suffix appended.
func groupPath(g address.Address, suffix string) string {
	return "/emsg/v1/groups/" + url.PathEscape(g.String()) + suffix
}

// CreateGroup creates a group hosted on the account's server, with the
// account as its owner; local asks for the group's local part ("" lets
// the server choose).
func (c *Client) CreateGroup(ctx context.Context, name, local string) (Group, error) {
	body := map[string]string{"name": name}
	if local != "" {
		body["local"] = local
	}
	var g Group
	if err := c.authed(ctx, "POST", "/emsg/v1/groups", body, &g); err != nil {
		return Group{}, fmt.Errorf("create group %q: %w", name, err)
	}
	return g, nil
}

// Groups lists the account's groups as its server last learned them.
func (c *Client) Groups(ctx context.Context) ([]Group, error) {
	var out struct {
		Groups []Group `json:"groups"`
	}
	if err := c.authed(ctx, "GET", "/emsg/v1/groups", nil, &out); err != nil {
		return nil, fmt.Errorf("list groups: %w", err)
	}
	return out.Groups, nil
}

// GroupInfo reads one group: name, owner, members and roles.
func (c *Client) GroupInfo(ctx context.Context, g address.Address) (Group, error) {
	var out Group
	if err := c.authed(ctx, "GET", groupPath(g, ""), nil, &out); err != nil {
		return Group{}, fmt.Errorf("read group %s: %w", g, err)
	}
	return out, nil
}

// The group-changing operations below return the request id of the
// server's 202 answer. The outcome arrives on the stream (see
// [Client.Listen]): a [GroupChanged] notice with the event, or a
// [GroupRefused] notice with this id and the host's error code.

// Invite invites who to the group g (owner or admin).
func (c *Client) Invite(ctx context.Context, g, who address.Address) (string, error) {
	return c.groupOp(ctx, "invite", "POST", groupPath(g, "/invites"), map[string]string{"address": who.String()})
}

// JoinGroup joins g, to which the account was invited.
func (c *Client) JoinGroup(ctx context.Context, g address.Address) (string, error) {
	return c.groupOp(ctx, "join", "POST", groupPath(g, "/join"), nil)
}

// LeaveGroup leaves g (the owner transfers ownership or dissolves instead).
func (c *Client) LeaveGroup(ctx context.Context, g address.Address) (string, error) {
	return c.groupOp(ctx, "leave", "POST", groupPath(g, "/leave"), nil)
}

// Kick removes the member who from g (owner, or an admin removing a member).
func (c *Client) Kick(ctx context.Context, g, who address.Address) (string, error) {
	return c.groupOp(ctx, "kick", "POST", groupPath(g, "/kick"), map[string]string{"address": who.String()})
}

// SetRole gives the member who of g the role (owner only; the role owner
// transfers ownership).
func (c *Client) SetRole(ctx context.Context, g, who address.Address, role string) (string, error) {
	path := groupPath(g, "/members/"+url.PathEscape(who.String())+"/role")
	return c.groupOp(ctx, "role", "PUT", path, map[string]string{"role": role})
}

// RenameGroup renames g (owner or admin).
func (c *Client) RenameGroup(ctx context.Context, g address.Address, name string) (string, error) {
	return c.groupOp(ctx, "rename", "PATCH", groupPath(g, ""), map[string]string{"name": name})
}

// DissolveGroup dissolves g (owner only).
func (c *Client) DissolveGroup(ctx context.Context, g address.Address) (string, error) {
	return c.groupOp(ctx, "dissolve", "DELETE", groupPath(g, ""), nil)
}

// groupOp sends one group-changing request and returns its id.
func (c *Client) groupOp(ctx context.Context, op, method, path string, body any) (string, error) {
	var out struct {
		ID string `json:"id"`
	}
	var err error
	if body == nil {
		err = c.authed(ctx, method, path, nil, &out)
	} else {
		err = c.authed(ctx, method, path, body, &out)
	}
	if err != nil {
		return "", fmt.Errorf("group %s: %w", op, err)
	}
	return out.ID, nil
}

// SendGroup sends text to the group g: see [Client.SendGroupBody].
func (c *Client) SendGroup(ctx context.Context, g address.Address, text string) (Message, error) {
	return c.SendGroupBody(ctx, g, envelope.TextBody(text))
}

// SendGroupBody seals body once for every current member of g — the
// members its server lists, each with keys held or fetched now
// (GROUP-KEYS-01) — with to the group address, and posts it: the host
// checks membership and fans it out.
func (c *Client) SendGroupBody(ctx context.Context, g address.Address, body json.RawMessage) (Message, error) {
	id, err := c.mustIdentity()
	if err != nil {
		return Message{}, fmt.Errorf("send to %s: %w", g, err)
	}
	readers, err := c.memberKeys(ctx, g)
	if err != nil {
		return Message{}, fmt.Errorf("send to %s: %w", g, err)
	}
	env, inner, err := envelope.Seal(c.opts.deps, id, g, readers, body, envelope.Options{TTL: c.opts.ttl})
	if err != nil {
		return Message{}, fmt.Errorf("send to %s: seal: %w", g, err)
	}
	if err := c.post(ctx, env); err != nil {
		return Message{}, fmt.Errorf("send %s to %s: %w", env.ID, g, err)
	}
	m := newMessage(env, inner)
	err = c.store.db.Update(func(tx *bolt.Tx) error { return keepMessage(tx, m) })
	if err != nil {
		return m, fmt.Errorf("send %s to %s: sent, but not kept locally: %w", env.ID, g, err)
	}
	return m, nil
}

// memberKeys returns the box key of every other member of g, fetching the
// keys of members the client holds none for.
func (c *Client) memberKeys(ctx context.Context, g address.Address) (map[address.Address]*[32]byte, error) {
	info, err := c.GroupInfo(ctx, g)
	if err != nil {
		return nil, err
	}
	id, _ := c.mustIdentity()
	readers := map[address.Address]*[32]byte{}
	for _, m := range info.Members {
		if m.Address == id.Address() {
			continue
		}
		b, err := c.peerKeys(ctx, m.Address)
		if err != nil {
			return nil, fmt.Errorf("keys of member %s: %w", m.Address, err)
		}
		readers[m.Address] = b
	}
	return readers, nil
}

// peerKeys returns the box key held for peer, first fetching and adopting
// its key chain when none is held (a fellow member who is no contact).
func (c *Client) peerKeys(ctx context.Context, peer address.Address) (*[32]byte, error) {
	if ct, ok, err := c.Contact(peer); err != nil {
		return nil, err
	} else if b, has := ct.Bundle(); ok && has {
		return b.BoxPublic(), nil
	}
	if err := c.adoptPeer(ctx, peer); err != nil {
		return nil, err
	}
	ct, _, err := c.Contact(peer)
	if err != nil {
		return nil, err
	}
	b, ok := ct.Bundle()
	if !ok {
		return nil, ErrNoKeys
	}
	return b.BoxPublic(), nil
}

// adoptPeer fetches peer's key chain and keeps it, as a [GroupPeer] when
// peer is not a contact.
func (c *Client) adoptPeer(ctx context.Context, peer address.Address) error {
	chain, err := c.fetchKeys(ctx, true, peer)
	if err != nil {
		return err
	}
	keyErr, err := c.updateContact(peer, chain, func(ct *Contact) {
		if ct.State == "" {
			ct.State = GroupPeer
		}
	})
	return errors.Join(keyErr, err)
}

// groupEvent handles the group and group_refused stream events.
func groupEvent(seq uint64, ev event, out *outcome) {
	switch {
	case ev.Kind == "group" && ev.GroupEvent != nil && !ev.GroupEvent.Group.IsZero():
		e := ev.GroupEvent
		out.notice(Notice{Kind: GroupChanged, Seq: seq, Address: e.Group, Group: e})
	case ev.Kind == "group_refused" && !ev.Group.IsZero():
		out.notice(Notice{Kind: GroupRefused, Seq: seq, Address: ev.Group, ID: ev.ID, Op: ev.Op,
			Err: &APIError{Code: ev.Error, Message: ev.Message}})
	}
}

// prefetchSender adopts the keys of the sender of a group envelope (one
// not addressed to this account) that the client holds none for, so that
// a message from a fellow member who is not a contact can be checked.
// Failures are left to the envelope's own processing (an unknown sender).
func (c *Client) prefetchSender(ctx context.Context, raw json.RawMessage) {
	var ev struct {
		Kind     string `json:"kind"`
		Envelope struct {
			From string `json:"from"`
			To   string `json:"to"`
		} `json:"envelope"`
	}
	if json.Unmarshal(raw, &ev) != nil || ev.Kind != "envelope" {
		return
	}
	id, err := c.mustIdentity()
	from, ferr := address.ParseCanonical(ev.Envelope.From)
	if err != nil || ferr != nil || ev.Envelope.To == id.Address().String() || from == id.Address() {
		return
	}
	if ct, ok, err := c.Contact(from); err != nil || ok && len(ct.Chain) > 0 {
		return
	}
	_ = c.adoptPeer(ctx, from)
}
