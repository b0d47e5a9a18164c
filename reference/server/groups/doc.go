// Package groups is the groups profile of the reference server (section 6
// of the spec): groups hosted on their creator's server, which holds their
// membership and roles and orders every change.
//
// # Two roles
//
// A server is the host of the groups whose address is on its domain. It
// checks every operation ([Service.applyOp]: not_found, gone, forbidden,
// too_large, in that order), numbers the resulting event with the group's
// next seq and sends it to every member and to the target of an invite or
// kick: local accounts get a "group" stream event, other servers one
// group_event item per destination listing their members. A post to the
// group is checked (a current member) and fanned out unchanged: local
// members get the envelope, each other server one group_fanout item.
//
// A server whose accounts belong to groups hosted elsewhere forwards their
// operations to the host as group_request items and their posts as
// group_post items, and keeps a mirror of each such group from the events
// it receives, so that GET /groups answers without asking the host.
//
// # Answers
//
// Every group-changing operation answers 202 with a new request id once the
// request is durable; the outcome arrives on the actor's stream: the group
// event, or a group_refused event with the id. The federation inbox applies
// the group items through [ApplyRequest], [ApplyEvent], [ApplyPost] and
// [ApplyFanout]; the outbox turns a refused group_request into the actor's
// group_refused with [Refused].
package groups
