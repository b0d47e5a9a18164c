package groups

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/reference/server/store"
)

// Operations of a group request (fed-item.json group_request op).
const (
	opJoin     = "join"
	opLeave    = "leave"
	opInvite   = "invite"
	opKick     = "kick"
	opRole     = "role"
	opRename   = "rename"
	opDissolve = "dissolve"
)

// Event kinds (group-event.json kind).
const (
	kindCreated     = "created"
	kindInvited     = "invited"
	kindJoined      = "joined"
	kindLeft        = "left"
	kindKicked      = "kicked"
	kindRoleChanged = "role_changed"
	kindRenamed     = "renamed"
	kindDissolved   = "dissolved"
)

// MaxMembers is the size limit of a group (GROUP-SIZE-01): an invitation
// beyond it is refused with too_large. Pending invitations count.
const MaxMembers = 1000

// Request is one group-changing operation: what an actor asks of the host,
// as a group_request item carries it (fed-item.json). ID is the request id
// of the 202 answer.
type Request struct {
	Kind   string `json:"kind"` // always "group_request" on the wire
	ID     string `json:"id"`
	Group  string `json:"group"`
	Actor  string `json:"actor"`
	Op     string `json:"op"`
	Target string `json:"target,omitempty"`
	Role   string `json:"role,omitempty"`
	Name   string `json:"name,omitempty"`
}

// Event is a membership change as the host orders it (group-event.json).
type Event struct {
	Group  string      `json:"group"`
	Seq    uint64      `json:"seq"`
	Kind   string      `json:"kind"`
	Actor  string      `json:"actor"`
	Target string      `json:"target,omitempty"`
	Role   string      `json:"role,omitempty"`
	Name   string      `json:"name,omitempty"`
	TS     wire.Millis `json:"ts"`
}

// Effects is what an applied operation or item leaves for after the
// commit: accounts whose streams have new events and destinations whose
// queues have new items. Duplicate reports an item seen before.
type Effects struct {
	Wake      []address.Address
	Kick      []string
	Duplicate bool
}

// add merges o into e.
func (e *Effects) add(o Effects) {
	e.Wake = append(e.Wake, o.Wake...)
	e.Kick = append(e.Kick, o.Kick...)
}

// refusedEvent is the group_refused stream event (stream-event.json).
type refusedEvent struct {
	Kind    string `json:"kind"`
	Group   string `json:"group"`
	ID      string `json:"id"`
	Op      string `json:"op"`
	Error   string `json:"error"`
	Message string `json:"message,omitempty"`
}

// groupEventJSON is the stream event {"kind":"group","group_event":ev}.
func groupEventJSON(ev []byte) []byte {
	return wrap(`{"kind":"group","group_event":`, ev, `}`)
}

// eventItem is the federation item carrying ev to the members to.
func eventItem(ev []byte, to []string) ([]byte, error) {
	list, err := json.Marshal(to)
	if err != nil {
		return nil, fmt.Errorf("encode group_event item: %w", err)
	}
	return wrap(`{"kind":"group_event","event":`, ev, `,"to":`+string(list)+`}`), nil
}

// envelopeEvent is the stream event {"kind":"envelope","envelope":raw}.
func envelopeEvent(raw []byte) ([]byte, error) {
	return compactWrap(`{"kind":"envelope","envelope":`, raw, `}`)
}

// postItem is the group_post item carrying raw to the host.
func postItem(raw []byte) ([]byte, error) {
	return compactWrap(`{"kind":"group_post","envelope":`, raw, `}`)
}

// fanoutItem is the group_fanout item carrying raw to the members to.
func fanoutItem(raw []byte, to []string) ([]byte, error) {
	list, err := json.Marshal(to)
	if err != nil {
		return nil, fmt.Errorf("encode group_fanout item: %w", err)
	}
	return compactWrap(`{"kind":"group_fanout","envelope":`, raw, `,"to":`+string(list)+`}`)
}

// wrap returns head + raw + tail in a fresh slice.
func wrap(head string, raw []byte, tail string) []byte {
	out := make([]byte, 0, len(head)+len(raw)+len(tail))
	return append(append(append(out, head...), raw...), tail...)
}

// compactWrap is [wrap] with raw compacted but otherwise unchanged: an
// envelope reaches every member as accepted (ENV-INTACT-01).
func compactWrap(head string, raw []byte, tail string) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(head)
	if err := json.Compact(&b, raw); err != nil {
		return nil, fmt.Errorf("embed envelope: %w", err)
	}
	b.WriteString(tail)
	return b.Bytes(), nil
}

// view is a group as group.json shows it.
type view struct {
	Address string              `json:"address"`
	Name    string              `json:"name"`
	Owner   string              `json:"owner"`
	Created wire.Millis         `json:"created"`
	Members []store.GroupMember `json:"members"`
	Seq     uint64              `json:"seq"`
}

// viewOf is the group.json form of g.
func viewOf(g store.Group) view {
	return view{Address: g.Address, Name: g.Name, Owner: g.Owner, Created: g.Created, Members: g.Members, Seq: g.Seq}
}

// domainOf returns the domain of a canonical address ("" if it is not one).
func domainOf(addr string) string {
	a, err := address.ParseCanonical(addr)
	if err != nil {
		return ""
	}
	return a.Domain
}
