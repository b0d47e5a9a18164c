package client

import (
	"github.com/emsg-project/emsg/reference/protocol/address"
)

// Handler receives what [Client.Listen] has for the user. Nil fields are
// skipped. The functions run on Listen's goroutine, one at a time, after
// the event is stored and before it is acknowledged; they should return
// quickly.
type Handler struct {
	// Message receives each message once per (from, id).
	Message func(Message)
	// Notice receives everything else the user should learn of: contact
	// requests and answers, key changes and refused ones, receipts, and
	// envelopes that cannot be shown as messages.
	Notice func(Notice)
	// Connected is called each time the stream is open, with the seq the
	// server resumes after (its ready frame's resume_from).
	Connected func(resumeFrom uint64)
}

// NoticeKind says what a [Notice] is about.
type NoticeKind string

// Notice kinds.
const (
	ContactRequested NoticeKind = "contact_request"  // Address asks to be a contact; Note is theirs
	ContactAccepted  NoticeKind = "contact_accepted" // Address accepted; their keys are held
	ContactDeclined  NoticeKind = "contact_declined"
	ContactRemoved   NoticeKind = "contact_removed"
	KeyRotated       NoticeKind = "key_rotated" // Address's new keys chain from the old ones and are in use
	// KeyRefused: keys offered for Address do not chain from those held
	// (CLIENT-KEY-03); Err is a [*KeyChangeError]. The old keys stay in use.
	KeyRefused NoticeKind = "key_refused"
	Receipt    NoticeKind = "receipt" // Receipt is the kind (delivered, read, expired, failed); ID the envelope
	// ContactMoved: the contact Address moved to MovedTo; the contact is
	// held under the new address, with the keys of the move notice
	// (checked with the keys held for Address, CLIENT-MOVE-01).
	ContactMoved NoticeKind = "moved"
	// ContactDeleted: the contact Address deleted its account.
	ContactDeleted NoticeKind = "deleted"
	// NoticeRefused: a move or delete notice for Address did not verify
	// with the keys held for it; Err says why. Nothing changed.
	NoticeRefused NoticeKind = "notice_refused"
	// MessageExpired: the server dropped the envelope (Address, ID)
	// unread when its ttl ran out; the local copy, if any, is gone.
	MessageExpired NoticeKind = "expired"
	// SessionTicket: a session with Address started; ID is the session
	// id. When this account is the peer, [Client.OpenSession] can now
	// talk to the initiator's server directly.
	SessionTicket NoticeKind = "session_ticket"

	// The envelope kinds below are never a message from the claimed
	// sender: Address is only what the envelope claims.

	// Undecryptable: no wrapped key for this account, or the key or the
	// payload does not decrypt (CLIENT-RECIPIENT-01).
	Undecryptable NoticeKind = "undecryptable"
	// Forged: the envelope or the inner message does not parse, the
	// inner signature does not verify with the sender's keys held
	// (CLIENT-SIG-01), or the routing fields differ from the envelope's
	// (CLIENT-ROUTING-01).
	Forged NoticeKind = "forged"
	// UnsupportedVersion: the envelope or inner message has a "v" other
	// than 1 and was not interpreted (CLIENT-VERSION-01).
	UnsupportedVersion NoticeKind = "unsupported_version"
	// UnknownSender: the client holds no keys for the sender, so the
	// signature cannot be checked.
	UnknownSender NoticeKind = "unknown_sender"

	// GroupChanged: a membership change of the group Address; Group is
	// the event, in the host's order.
	GroupChanged NoticeKind = "group"
	// GroupRefused: the host refused the group request ID (operation Op)
	// about the group Address; Err is an [*APIError] with its code.
	GroupRefused NoticeKind = "group_refused"
)

// Notice is one thing [Client.Listen] tells the user other than a
// message.
type Notice struct {
	Kind    NoticeKind
	Seq     uint64          // the stream event it came from
	Address address.Address // the contact, or the claimed sender
	ID      string          // the envelope id, for envelope notices and receipts
	Note    string          // a contact request's note
	Receipt string          // the receipt kind
	MovedTo address.Address // the new address, for ContactMoved
	Err     error           // why, for warnings, envelopes not shown and refused group requests
	Group   *GroupEvent     // the event of a GroupChanged notice
	Op      string          // the refused operation of a GroupRefused notice
}
