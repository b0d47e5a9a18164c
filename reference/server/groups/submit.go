package groups

import (
	"encoding/json"
	"fmt"

	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/reference/server/httpapi"
	"github.com/emsg-project/emsg/reference/server/store"
)

// submit runs an accepted request in tx: for a group hosted here, the host
// applies it at once and a refusal becomes the actor's group_refused event
// (GROUP-REFUSED-02); for a group hosted elsewhere it is queued for the
// host as a group_request item whose id is the request id
// (GROUP-FORWARD-01, GROUP-FORWARD-02).
func (h *host) submit(tx *store.Tx, req Request, now wire.Millis) (Effects, error) {
	if domainOf(req.Group) != h.self {
		return forward(tx, req)
	}
	fx, err := h.request(tx, req, now)
	if err == nil || !isRefusal(err) {
		return fx, err
	}
	e := httpapi.AsError(err)
	return refuse(tx, req, e.Code, e.Message)
}

// forward queues req for the group's host.
func forward(tx *store.Tx, req Request) (Effects, error) {
	req.Kind = "group_request"
	item, err := json.Marshal(req)
	if err != nil {
		return Effects{}, fmt.Errorf("encode group_request: %w", err)
	}
	d := domainOf(req.Group)
	if _, err := tx.Enqueue(d, item, 0); err != nil {
		return Effects{}, fmt.Errorf("queue group_request for %s: %w", d, err)
	}
	return Effects{Kick: []string{d}}, nil
}

// refuse pushes the group_refused event of req to its local actor.
func refuse(tx *store.Tx, req Request, code, message string) (Effects, error) {
	if len(message) > 1024 {
		message = message[:1024]
	}
	ev, err := json.Marshal(refusedEvent{Kind: "group_refused", Group: req.Group, ID: req.ID, Op: req.Op, Error: code, Message: message})
	if err != nil {
		return Effects{}, fmt.Errorf("encode group_refused: %w", err)
	}
	woken, err := pushLocal(tx, req.Actor, ev, 0)
	return Effects{Wake: woken}, err
}

// isRefusal reports whether err answers the request (an error code)
// rather than failing the server.
func isRefusal(err error) bool {
	_, ok := err.(*httpapi.Error)
	return ok
}
