// Package sessions is the host side of EMSG/1 sessions (section 5): when
// a local account (the initiator) sends to a remote peer with which it has
// no live session, the server issues a session ticket (signed with its
// server key), queues it to the peer's server after the envelope as a
// `session_ticket` federation item and pushes a `session_ticket` event to
// the initiator. While the session lives, the peer's client may open
// GET /emsg/v1/sessions/{id}/ws here, with the ticket and a proof signed
// by its own account key; the host then carries the conversation alone:
//
//   - the initiator's envelopes for the peer go out on the socket as
//     `event` frames (seq local to the socket). Each is first held in the
//     store ([store.Tx.Hold]) so the 202 stays a promise; an envelope the
//     peer does not acknowledge within [Timing].AckWait, or that is pending
//     when the socket closes, moves to the federation queue (fallback);
//   - the peer's envelopes for the initiator arrive as `send` frames,
//     answered by `result` frames, and are delivered to the initiator's
//     event log exactly as a federated envelope would be.
//
// When the peer is not connected, envelopes travel by federation as usual.
// A session ends after [Timing].Idle without an envelope, at the ticket's
// expiry, on POST /emsg/v1/sessions/{id}/end by the initiator, or when the
// peer closes its socket with status 1000; the socket is then closed with
// 4002 and the ticket refused.
//
// Session state lives in memory: after a restart no session is live (the
// socket answers not_found, the next envelope starts a new session) and
// every held envelope falls back to federation.
package sessions
