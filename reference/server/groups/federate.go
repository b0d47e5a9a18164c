package groups

import (
	"encoding/binary"
	"encoding/json"
	"fmt"

	"github.com/emsg-project/emsg/reference/protocol/envelope"
	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/reference/server/httpapi"
	"github.com/emsg-project/emsg/reference/server/messaging"
	"github.com/emsg-project/emsg/reference/server/store"
)

// The federation inbox applies the group items of a transaction with the
// functions of this file, in its store operation; self is the receiving
// server's domain. The inbox has checked each item against fed-item.json
// and its parties (section 7) before. A refusal is returned as an
// [*httpapi.Error] and becomes the item's error result, the code a local
// actor would get (GROUP-REFUSED-01).

// ApplyRequest applies a group_request item at the host: (actor, id) seen
// before is a duplicate, else the request is applied as a local one.
func ApplyRequest(tx *store.Tx, self string, item []byte, now wire.Millis) (Effects, error) {
	var req Request
	if err := json.Unmarshal(item, &req); err != nil {
		return Effects{}, httpapi.Errorf("bad_request", "group_request item: %v", err)
	}
	key := "group_request/" + req.ID
	if _, seen, err := tx.Seen(req.Actor, key); err != nil || seen {
		return Effects{Duplicate: seen}, err
	}
	h := host{self: self}
	fx, err := h.request(tx, req, now)
	if err != nil {
		return Effects{}, err
	}
	return fx, tx.Remember(req.Actor, key, nil, 0)
}

// ApplyEvent applies a group_event item at a member's server: each listed
// local account gets the event on its stream unless it already got this
// or a later event of the group, so that every member sees the group's
// events once and in seq order (GROUP-ORDER-02) — the history the host
// replays to a server's first member feeds the mirror, not an older event
// to a stream. An item no recipient takes is a duplicate. The server's
// mirror of the group follows the event.
func ApplyEvent(tx *store.Tx, self string, item []byte, now wire.Millis) (Effects, error) {
	var it struct {
		Event json.RawMessage `json:"event"`
		To    []string        `json:"to"`
	}
	var ev Event
	if err := json.Unmarshal(item, &it); err != nil {
		return Effects{}, httpapi.Errorf("bad_request", "group_event item: %v", err)
	}
	if err := json.Unmarshal(it.Event, &ev); err != nil {
		return Effects{}, httpapi.Errorf("bad_request", "group_event item: %v", err)
	}
	fx := Effects{Duplicate: true}
	for _, to := range it.To {
		took, err := takeEvent(tx, to, ev)
		if err != nil || !took {
			if err != nil {
				return Effects{}, err
			}
			continue
		}
		fx.Duplicate = false
		woken, err := pushLocal(tx, to, groupEventJSON(it.Event), 0)
		if err != nil {
			return Effects{}, err
		}
		fx.Wake = append(fx.Wake, woken...)
	}
	return fx, follow(tx, self, ev)
}

// takeEvent reports whether the member to is still to get ev — its seq is
// above the last of the group it got — and records it as the last.
func takeEvent(tx *store.Tx, to string, ev Event) (bool, error) {
	key := "group_seq/" + ev.Group
	last, seen, err := tx.Seen(to, key)
	if err != nil {
		return false, err
	}
	if seen && len(last) == 8 && binary.BigEndian.Uint64(last) >= ev.Seq {
		return false, nil
	}
	return true, tx.Remember(to, key, binary.BigEndian.AppendUint64(nil, ev.Seq), 0)
}

// ApplyPost applies a group_post item at the host: env (checked by the
// inbox like any federated envelope, raw its bytes) seen before is a
// duplicate, else it is checked and fanned out as a local member's post.
func ApplyPost(tx *store.Tx, self string, env *envelope.Envelope, raw []byte) (Effects, error) {
	if _, dup, err := messaging.LookupDelivery(tx, env.From, env.ID); err != nil || dup {
		return Effects{Duplicate: dup}, err
	}
	h := host{self: self}
	return h.post(tx, env, raw)
}

// ApplyFanout applies a group_fanout item at a member's server: each
// listed local account gets the envelope on its stream; (from, id) seen
// before in a fan-out is a duplicate. The key is apart from the sender's
// own (from, id), which this server also holds when the sender is one of
// its accounts.
func ApplyFanout(tx *store.Tx, env *envelope.Envelope, raw []byte, to []string) (Effects, error) {
	key := "group_fanout/" + env.ID
	if _, seen, err := tx.Seen(env.From.String(), key); err != nil || seen {
		return Effects{Duplicate: seen}, err
	}
	ev, err := envelopeEvent(raw)
	if err != nil {
		return Effects{}, err
	}
	var fx Effects
	for _, m := range to {
		woken, err := pushLocal(tx, m, ev, expiry(env))
		if err != nil {
			return Effects{}, fmt.Errorf("fan-out %s: %w", env.ID, err)
		}
		fx.Wake = append(fx.Wake, woken...)
	}
	return fx, tx.Remember(env.From.String(), key, nil, expiry(env))
}

// Refused pushes to its local actor the group_refused event of a queued
// group_request item the host answered with the error code (and message),
// or for which the sender gave up (GROUP-REFUSED-02, GROUP-REFUSED-03).
// Other items are not its business: ok is false for them.
func Refused(tx *store.Tx, item []byte, code, message string) (fx Effects, ok bool, err error) {
	var req Request
	if json.Unmarshal(item, &req) != nil || req.Kind != "group_request" {
		return Effects{}, false, nil
	}
	fx, err = refuse(tx, req, code, message)
	return fx, true, err
}
