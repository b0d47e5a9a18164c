package retention

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/envelope"
	"github.com/emsg-project/emsg/reference/protocol/strict"
	"github.com/emsg-project/emsg/reference/server/httpapi"
	"github.com/emsg-project/emsg/reference/server/store"
	"github.com/emsg-project/emsg/spec"
)

// favoriteList is the answer of GET /favorites (favorite-list.json).
type favoriteList struct {
	Favorites []rawJSON `json:"favorites"`
}

// rawJSON embeds a stored envelope as it was given.
type rawJSON []byte

func (r rawJSON) MarshalJSON() ([]byte, error) { return r, nil }

// list is listFavorites: the caller's favorites, in id order.
func (s *Service) list(w http.ResponseWriter, r *http.Request) {
	me, err := s.auth(r)
	if err != nil {
		httpapi.WriteError(w, err)
		return
	}
	out := favoriteList{Favorites: []rawJSON{}}
	err = s.st.View(func(tx *store.Tx) error {
		favs, err := tx.Favorites(me.String())
		for _, f := range favs {
			out.Favorites = append(out.Favorites, f)
		}
		return err
	})
	if err != nil {
		httpapi.WriteError(w, fmt.Errorf("favorites of %s: %w", me, err))
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, out)
}

// put is putFavorite: the checks of [CheckFavorite], then the envelope is
// stored under its id, replacing any earlier one (204).
func (s *Service) put(w http.ResponseWriter, r *http.Request) {
	me, err := s.auth(r)
	if err != nil {
		httpapi.WriteError(w, err)
		return
	}
	raw, err := s.readEnvelope(r)
	if err == nil {
		err = CheckFavorite(me, r.PathValue("id"), raw)
	}
	if err == nil {
		err = s.st.Update(r.Context(), func(tx *store.Tx) error {
			return tx.PutFavorite(me.String(), r.PathValue("id"), raw)
		})
	}
	if err != nil {
		httpapi.WriteError(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// readEnvelope reads a body of at most max_envelope_bytes (too_large).
func (s *Service) readEnvelope(r *http.Request) ([]byte, error) {
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		return nil, httpapi.Errorf("bad_request", "the body must be application/json")
	}
	raw, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, int64(s.cfg.MaxEnvelopeBytes)))
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		return nil, httpapi.Errorf("too_large", "the envelope exceeds %d bytes", s.cfg.MaxEnvelopeBytes)
	case err != nil:
		return nil, httpapi.Errorf("bad_request", "the body could not be read: %v", err)
	}
	return raw, nil
}

// CheckFavorite checks a favorite envelope raw that owner puts under id,
// in the order of putFavorite: the path id is a ULID, the envelope parses
// (unsupported_version, bad_address, bad_request) and fits envelope.json,
// its id is the path's (bad_request), it is from and to the owner
// (forbidden, FAV-PUT-01) and its keys wrap for the owner alone
// (bad_request, FAV-PUT-02).
func CheckFavorite(owner address.Address, id string, raw []byte) error {
	if err := strict.CheckULID(id); err != nil {
		return httpapi.Errorf("bad_request", "the favorite id %q is not a ULID", id)
	}
	env, err := envelope.ParseEnvelope(raw)
	if err != nil {
		return fmt.Errorf("favorite: %w", err)
	}
	if err := spec.ValidateJSON("envelope", raw); err != nil {
		return httpapi.Errorf("bad_request", "%v", err)
	}
	if env.ID != id {
		return httpapi.Errorf("bad_request", "the envelope id %s differs from the path id %s", env.ID, id)
	}
	if env.From != owner || env.To != owner {
		return httpapi.Errorf("forbidden", "a favorite is from and to %s, this one is from %s to %s", owner, env.From, env.To)
	}
	if _, ok := env.Keys[owner]; !ok || len(env.Keys) != 1 {
		return httpapi.Errorf("bad_request", "a favorite's keys wrap for its owner %s alone", owner)
	}
	return nil
}

// delete is deleteFavorite: 204, or not_found for an unknown id
// (FAV-DELETE-01).
func (s *Service) delete(w http.ResponseWriter, r *http.Request) {
	me, err := s.auth(r)
	if err != nil {
		httpapi.WriteError(w, err)
		return
	}
	id := r.PathValue("id")
	if strict.CheckULID(id) != nil {
		httpapi.WriteError(w, httpapi.Errorf("bad_request", "the favorite id %q is not a ULID", id))
		return
	}
	err = s.st.Update(r.Context(), func(tx *store.Tx) error {
		err := tx.DeleteFavorite(me.String(), id)
		if errors.Is(err, store.ErrNotFound) {
			return httpapi.Errorf("not_found", "no favorite %s", id)
		}
		return err
	})
	if err != nil {
		httpapi.WriteError(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
