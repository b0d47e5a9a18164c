package groups

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/reference/server/httpapi"
	"github.com/emsg-project/emsg/reference/server/store"
	"github.com/emsg-project/emsg/spec"
)

// handleCreate is createGroup: POST /groups → 201 with the group.
func (s *Service) handleCreate(w http.ResponseWriter, r *http.Request) {
	me, err := s.auth(r)
	if err != nil {
		httpapi.WriteError(w, err)
		return
	}
	var body struct {
		Name  string `json:"name"`
		Local string `json:"local"`
	}
	if err := s.readBody(r, "group-create", "local", &body); err != nil {
		httpapi.WriteError(w, err)
		return
	}
	id, now, err := s.stamp()
	if err != nil {
		httpapi.WriteError(w, err)
		return
	}
	local := body.Local
	if local == "" {
		local = "g-" + strings.ToLower(id)
	}
	g := store.Group{Address: local + "#" + s.cfg.Domain, Name: body.Name, Owner: me.String(), Created: now,
		Members: []store.GroupMember{{Address: me.String(), Role: store.RoleOwner}}}
	err = s.update(r.Context(), func(tx *store.Tx) (Effects, error) {
		created := g
		if err := s.checkFree(tx, local, now); err != nil {
			return Effects{}, err
		}
		fx, err := s.host.commit(tx, &created, nil, Event{Kind: kindCreated, Actor: me.String(), Name: body.Name}, now)
		g = created
		return fx, err
	})
	if err != nil {
		httpapi.WriteError(w, answerOf(err))
		return
	}
	httpapi.WriteJSON(w, http.StatusCreated, viewOf(g))
}

// checkFree refuses, with address_taken, a local part used by an account,
// a group or a reservation (GROUP-CREATE-02).
func (s *Service) checkFree(tx *store.Tx, local string, now wire.Millis) error {
	addr := local + "#" + s.cfg.Domain
	_, isAccount, err := tx.GetAccount(addr)
	if err != nil {
		return err
	}
	_, isGroup, err := tx.GetGroup(addr)
	if err != nil {
		return err
	}
	until, reserved, err := tx.ReservedUntil(local)
	if err != nil {
		return err
	}
	if isAccount || isGroup || reserved && until > now {
		return httpapi.Errorf("address_taken", "%s is taken", addr)
	}
	return nil
}

// handleList is listGroups: GET /groups → the caller's groups.
func (s *Service) handleList(w http.ResponseWriter, r *http.Request) {
	me, err := s.auth(r)
	if err != nil {
		httpapi.WriteError(w, err)
		return
	}
	out := struct {
		Groups []view `json:"groups"`
	}{Groups: []view{}}
	err = s.st.View(func(tx *store.Tx) error {
		names, err := tx.GroupsOf(me.String())
		if err != nil {
			return err
		}
		for _, n := range names {
			g, ok, err := tx.GetGroup(n)
			if err != nil {
				return err
			}
			if ok && !g.Dissolved {
				out.Groups = append(out.Groups, viewOf(g))
			}
		}
		return nil
	})
	if err != nil {
		httpapi.WriteError(w, answerOf(err))
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, out)
}

// handleGet is getGroup: GET /groups/{group} → the group, members only.
func (s *Service) handleGet(w http.ResponseWriter, r *http.Request) {
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
	var g store.Group
	err = s.st.View(func(tx *store.Tx) error {
		var ok bool
		g, ok, err = tx.GetGroup(group.String())
		switch {
		case err != nil:
			return err
		case !ok || g.Dissolved:
			return httpapi.Errorf("not_found", "no group %s", group)
		case g.Role(me.String()) == "":
			return httpapi.Errorf("forbidden", "%s is not a member of %s", me, group)
		}
		return nil
	})
	if err != nil {
		httpapi.WriteError(w, answerOf(err))
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, viewOf(g))
}

// readBody reads a JSON body of the named schema into v. A member
// addressField (an address or local part) that breaks its grammar is
// bad_address rather than the schema's bad_request.
func (s *Service) readBody(r *http.Request, schema, addressField string, v any) error {
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		return httpapi.Errorf("bad_request", "the body must be application/json")
	}
	raw, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, int64(s.cfg.MaxBodyBytes)))
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		return httpapi.Errorf("too_large", "the body exceeds %d bytes", s.cfg.MaxBodyBytes)
	case err != nil:
		return httpapi.Errorf("bad_request", "the body could not be read: %v", err)
	}
	if err := spec.ValidateJSON(schema, raw); err != nil {
		return grammarError(httpapi.Errorf("bad_request", "%v", err), raw, addressField, s.cfg.Domain)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return httpapi.Errorf("bad_request", "decode %s: %v", schema, err)
	}
	return nil
}

// grammarError turns a schema refusal of a body whose addressField breaks
// the address grammar into that grammar error (bad_address).
func grammarError(err error, raw []byte, addressField, domain string) error {
	var probe map[string]any
	if raw == nil || json.Unmarshal(raw, &probe) != nil {
		return err
	}
	v, ok := probe[addressField].(string)
	if !ok {
		return err
	}
	if addressField == "local" {
		v += "#" + domain
	}
	if _, perr := address.ParseCanonical(v); perr != nil {
		return perr
	}
	return err
}
