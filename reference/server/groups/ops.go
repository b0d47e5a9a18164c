package groups

import (
	"net/http"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/server/httpapi"
	"github.com/emsg-project/emsg/reference/server/store"
)

// The group-changing operations share one flow ([Service.operate]): the
// caller, the group of the path, the operation's own parameters and body,
// then the request is made durable (applied here, or queued for the host)
// and answered 202 with its id (GROUP-ACCEPT-01).

// handleRename is renameGroup: PATCH /groups/{group}.
func (s *Service) handleRename(w http.ResponseWriter, r *http.Request) {
	s.operate(w, r, opRename, func(req *Request) error {
		var body struct {
			Name string `json:"name"`
		}
		err := s.readBody(r, "group-patch", "", &body)
		req.Name = body.Name
		return err
	})
}

// handleDissolve is dissolveGroup: DELETE /groups/{group}.
func (s *Service) handleDissolve(w http.ResponseWriter, r *http.Request) {
	s.operate(w, r, opDissolve, nil)
}

// handleInvite is inviteToGroup: POST /groups/{group}/invites.
func (s *Service) handleInvite(w http.ResponseWriter, r *http.Request) {
	s.operate(w, r, opInvite, s.targetFromBody(r))
}

// handleJoin is joinGroup: POST /groups/{group}/join.
func (s *Service) handleJoin(w http.ResponseWriter, r *http.Request) {
	s.operate(w, r, opJoin, nil)
}

// handleLeave is leaveGroup: POST /groups/{group}/leave.
func (s *Service) handleLeave(w http.ResponseWriter, r *http.Request) {
	s.operate(w, r, opLeave, nil)
}

// handleKick is kickFromGroup: POST /groups/{group}/kick.
func (s *Service) handleKick(w http.ResponseWriter, r *http.Request) {
	s.operate(w, r, opKick, s.targetFromBody(r))
}

// handleRole is setGroupRole: PUT /groups/{group}/members/{address}/role.
func (s *Service) handleRole(w http.ResponseWriter, r *http.Request) {
	s.operate(w, r, opRole, func(req *Request) error {
		target, err := address.Parse(r.PathValue("address"))
		if err != nil {
			return err
		}
		var body struct {
			Role string `json:"role"`
		}
		if err := s.readBody(r, "role-change", "", &body); err != nil {
			return err
		}
		req.Target, req.Role = target.String(), body.Role
		return nil
	})
}

// targetFromBody reads a group-member-ref body into the request's target.
func (s *Service) targetFromBody(r *http.Request) func(*Request) error {
	return func(req *Request) error {
		var body struct {
			Address string `json:"address"`
		}
		if err := s.readBody(r, "group-member-ref", "address", &body); err != nil {
			return err
		}
		target, err := address.ParseCanonical(body.Address)
		if err != nil {
			return err
		}
		req.Target = target.String()
		return nil
	}
}

// operate answers one group-changing operation: the caller (unauthorized),
// the group (bad_address), the operation's parameters (fill: bad_request,
// bad_address, too_large), then the request is durable and answered 202.
func (s *Service) operate(w http.ResponseWriter, r *http.Request, op string, fill func(*Request) error) {
	me, err := s.auth(r)
	if err != nil {
		httpapi.WriteError(w, err)
		return
	}
	group, err := address.Parse(r.PathValue("group"))
	if err != nil {
		httpapi.WriteError(w, err)
		return
	}
	req := Request{Group: group.String(), Actor: me.String(), Op: op}
	if fill != nil {
		if err := fill(&req); err != nil {
			httpapi.WriteError(w, err)
			return
		}
	}
	id, now, err := s.stamp()
	if err != nil {
		httpapi.WriteError(w, err)
		return
	}
	req.ID = id
	err = s.update(r.Context(), func(tx *store.Tx) (Effects, error) { return s.host.submit(tx, req, now) })
	if err != nil {
		httpapi.WriteError(w, answerOf(err))
		return
	}
	httpapi.WriteJSON(w, http.StatusAccepted, map[string]string{"id": id})
}
