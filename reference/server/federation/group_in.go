package federation

import (
	"encoding/json"

	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/reference/server/groups"
	"github.com/emsg-project/emsg/reference/server/httpapi"
	"github.com/emsg-project/emsg/reference/server/store"
)

// The group items (section 6) are decoded here and applied by package
// groups, which keeps the groups: [groups.ApplyRequest] and
// [groups.ApplyPost] at the host, [groups.ApplyEvent] and
// [groups.ApplyFanout] at the members' servers, all in the inbox's store
// operation. Envelopes of posts and fan-outs pass the same checks as a
// federated 1:1 envelope first ([Inbox.checkEnvelope]).

// applyGroupRequest applies a group_request item.
func (in *Inbox) applyGroupRequest(tx *store.Tx, item json.RawMessage, now wire.Millis, fx *effects) (string, error) {
	return tookGroup(fx)(groups.ApplyRequest(tx, in.cfg.Domain, item, now))
}

// applyGroupEvent applies a group_event item.
func (in *Inbox) applyGroupEvent(tx *store.Tx, item json.RawMessage, now wire.Millis, fx *effects) (string, error) {
	return tookGroup(fx)(groups.ApplyEvent(tx, in.cfg.Domain, item, now))
}

// applyGroupPost applies a group_post item.
func (in *Inbox) applyGroupPost(tx *store.Tx, item json.RawMessage, now wire.Millis, fx *effects) (string, error) {
	var it struct {
		Envelope json.RawMessage `json:"envelope"`
	}
	if err := json.Unmarshal(item, &it); err != nil {
		return "", httpapi.Errorf("bad_request", "group_post item: %v", err)
	}
	env, err := in.checkEnvelope(it.Envelope, now)
	if err != nil {
		return "", err
	}
	return tookGroup(fx)(groups.ApplyPost(tx, in.cfg.Domain, env, it.Envelope))
}

// applyGroupFanout applies a group_fanout item.
func (in *Inbox) applyGroupFanout(tx *store.Tx, item json.RawMessage, now wire.Millis, fx *effects) (string, error) {
	var it struct {
		Envelope json.RawMessage `json:"envelope"`
		To       []string        `json:"to"`
	}
	if err := json.Unmarshal(item, &it); err != nil {
		return "", httpapi.Errorf("bad_request", "group_fanout item: %v", err)
	}
	env, err := in.checkEnvelope(it.Envelope, now)
	if err != nil {
		return "", err
	}
	return tookGroup(fx)(groups.ApplyFanout(tx, env, it.Envelope, it.To))
}

// tookGroup is [took] for the groups package's outcomes.
func tookGroup(fx *effects) func(groups.Effects, error) (string, error) {
	return func(e groups.Effects, err error) (string, error) {
		switch {
		case err != nil:
			return "", err
		case e.Duplicate:
			return statusDuplicate, nil
		}
		fx.wake = append(fx.wake, e.Wake...)
		fx.kick = append(fx.kick, e.Kick...)
		return statusOK, nil
	}
}
