package probe

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/envelope"
	"github.com/emsg-project/emsg/reference/protocol/keys"
)

// The group operations of spec/openapi/client.yaml (section 6), as the
// groups suite sends them: plain requests, every answer returned as is so
// that a spec judges it. Every group-changing operation is answered 202
// with a request id; its outcome arrives on the actor's stream as a
// "group" event or a "group_refused" event ([Frame.GroupEvent],
// [Frame.GroupRefused]).

// Group is a group as group.json shows it.
type Group struct {
	Address string        `json:"address"`
	Name    string        `json:"name"`
	Owner   string        `json:"owner"`
	Created int64         `json:"created"`
	Members []GroupMember `json:"members"`
	Seq     uint64        `json:"seq"`
}

// GroupMember is one member of a group and its role.
type GroupMember struct {
	Address string `json:"address"`
	Role    string `json:"role"`
}

// Role returns the role of addr in g ("" for no member).
func (g Group) Role(addr address.Address) string {
	i := slices.IndexFunc(g.Members, func(m GroupMember) bool { return m.Address == addr.String() })
	if i < 0 {
		return ""
	}
	return g.Members[i].Role
}

// GroupEvent is a membership change as the host orders it (group-event.json).
type GroupEvent struct {
	Group  string `json:"group"`
	Seq    uint64 `json:"seq"`
	Kind   string `json:"kind"`
	Actor  string `json:"actor"`
	Target string `json:"target"`
	Role   string `json:"role"`
	Name   string `json:"name"`
	TS     int64  `json:"ts"`
}

// GroupRefused is the group_refused stream event: the host refused the
// request id.
type GroupRefused struct {
	Group   string `json:"group"`
	ID      string `json:"id"`
	Op      string `json:"op"`
	Error   string `json:"error"`
	Message string `json:"message"`
}

// GroupEvent decodes a "group" stream event (ok false for other frames).
func (f Frame) GroupEvent() (GroupEvent, bool) {
	var e struct {
		Kind       string     `json:"kind"`
		GroupEvent GroupEvent `json:"group_event"`
	}
	if f.Type != "event" || json.Unmarshal(f.Event, &e) != nil || e.Kind != "group" {
		return GroupEvent{}, false
	}
	return e.GroupEvent, true
}

// GroupRefused decodes a "group_refused" stream event (ok false for other
// frames).
func (f Frame) GroupRefused() (GroupRefused, bool) {
	var e struct {
		Kind string `json:"kind"`
		GroupRefused
	}
	if f.Type != "event" || json.Unmarshal(f.Event, &e) != nil || e.Kind != "group_refused" {
		return GroupRefused{}, false
	}
	return e.GroupRefused, true
}

// GroupPath is the client API path of group g followed by suffix
// ("/invites", "/join", ...; "" for the group itself).
func GroupPath(g address.Address, suffix string) string {
	return "/emsg/v1/groups/" + PathOf(g) + suffix
}

// CreateGroup sends POST /groups with name and, if not empty, the wanted
// local part.
func (a *Account) CreateGroup(ctx context.Context, name, local string) (*Response, error) {
	body := map[string]any{"name": name}
	if local != "" {
		body["local"] = local
	}
	return a.Call(ctx, http.MethodPost, "/emsg/v1/groups", body)
}

// ReadGroup sends GET /groups/{g}.
func (a *Account) ReadGroup(ctx context.Context, g address.Address) (*Response, error) {
	return a.Call(ctx, http.MethodGet, GroupPath(g, ""), nil)
}

// GroupOp is one group-changing operation: its method, path suffix and
// body (nil for none).
type GroupOp struct {
	Name   string // the op of a group_request item: join, leave, invite, ...
	Method string
	Suffix string
	Body   any
}

// Join, Leave, Invite, Kick, SetRole, Rename and Dissolve are the seven
// group-changing operations.
func Join() GroupOp  { return GroupOp{"join", http.MethodPost, "/join", nil} }
func Leave() GroupOp { return GroupOp{"leave", http.MethodPost, "/leave", nil} }
func Invite(target address.Address) GroupOp {
	return GroupOp{"invite", http.MethodPost, "/invites", map[string]any{"address": target}}
}
func Kick(target address.Address) GroupOp {
	return GroupOp{"kick", http.MethodPost, "/kick", map[string]any{"address": target}}
}
func SetRole(target address.Address, role string) GroupOp {
	return GroupOp{"role", http.MethodPut, "/members/" + PathOf(target) + "/role", map[string]any{"role": role}}
}
func Rename(name string) GroupOp {
	return GroupOp{"rename", http.MethodPatch, "", map[string]any{"name": name}}
}
func Dissolve() GroupOp { return GroupOp{"dissolve", http.MethodDelete, "", nil} }

// Act sends op on group g for the account.
func (a *Account) Act(ctx context.Context, g address.Address, op GroupOp) (*Response, error) {
	return a.Call(ctx, op.Method, GroupPath(g, op.Suffix), op.Body)
}

// SealGroup builds a text envelope from the account to group g, with a
// wrapped key for every reader (the members; the sender is added).
func (a *Account) SealGroup(g address.Address, readers []keys.Bundle, text string) (*envelope.Envelope, error) {
	return a.SealGroupTTL(g, readers, text, 0)
}

// SealGroupTTL is SealGroup with ttl seconds (0: the default ttl).
func (a *Account) SealGroupTTL(g address.Address, readers []keys.Bundle, text string, ttl int) (*envelope.Envelope, error) {
	boxes := map[address.Address]*[32]byte{}
	for _, b := range readers {
		boxes[b.Address] = b.BoxPublic()
	}
	env, _, err := envelope.Seal(a.P.Deps, a.ID, g, boxes, envelope.TextBody(text), envelope.Options{TTL: ttl})
	if err != nil {
		return nil, fmt.Errorf("seal to group %s: %w", g, err)
	}
	return env, nil
}
