package signals

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"time"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/reference/server/httpapi"
	"github.com/emsg-project/emsg/reference/server/store"
	"github.com/emsg-project/emsg/spec"
)

// maxSignalBytes bounds a signal body; a signal is a few dozen bytes.
const maxSignalBytes = 4096

// forwardTimeout bounds one forward to another server.
const forwardTimeout = 5 * time.Second

// Signal is a signal as delivered (signal.json).
type Signal struct {
	Kind  string           `json:"kind"`
	From  address.Address  `json:"from"`
	To    *address.Address `json:"to,omitempty"` // typing only
	State string           `json:"state"`
	// LastSeen is kept from a federated presence signal that carries it.
	LastSeen *wire.Millis `json:"last_seen,omitempty"`
}

// Send processes a signal from an account, exactly as POST /signals does
// (also for a stream signal frame, STREAM-SIGNAL-01): schema (bad_request),
// addresses (bad_address), rate (rate_limited), audience (forbidden); then
// it is dropped if the sender turned that kind off, or delivered.
func (s *Service) Send(ctx context.Context, from address.Address, raw []byte) error {
	sig, err := parseRequest(from, raw)
	if err != nil {
		return err
	}
	if err := s.limits.allow(from.String()); err != nil {
		return err
	}
	var audience []address.Address
	err = s.st.View(func(tx *store.Tx) error {
		var err error
		audience, err = s.audience(tx, sig)
		return err
	})
	if err != nil {
		return fmt.Errorf("signal audience: %w", err)
	}
	s.deliver(ctx, sig, audience)
	return nil
}

// parseRequest checks raw against signal-request.json and adds from.
func parseRequest(from address.Address, raw []byte) (Signal, error) {
	if err := spec.ValidateJSON("signal-request", raw); err != nil {
		return Signal{}, httpapi.Errorf("bad_request", "%v", err)
	}
	var req struct {
		Kind  string  `json:"kind"`
		To    *string `json:"to"`
		State string  `json:"state"`
	}
	if err := json.Unmarshal(raw, &req); err != nil {
		return Signal{}, httpapi.Errorf("bad_request", "signal: %v", err)
	}
	sig := Signal{Kind: req.Kind, From: from, State: req.State}
	if req.To != nil {
		to, err := address.Parse(*req.To)
		if err != nil {
			return Signal{}, fmt.Errorf("signal to: %w", err)
		}
		sig.To = &to
	}
	return sig, nil
}

// audience returns who gets sig: for typing its recipient, which must be
// an accepted contact (forbidden otherwise); for presence every accepted
// contact. Nobody when the sender turned the kind off.
func (s *Service) audience(tx *store.Tx, sig Signal) ([]address.Address, error) {
	acct, ok, err := tx.GetAccount(sig.From.String())
	if err != nil || !ok {
		return nil, err
	}
	if sig.Kind == "typing" {
		to, err := typingAudience(tx, sig)
		if err != nil || !acct.Settings.Typing {
			return nil, err
		}
		return to, nil
	}
	if !acct.Settings.Presence {
		return nil, nil
	}
	return acceptedContacts(tx, sig.From)
}

// typingAudience is the recipient of a typing signal — an accepted
// contact — or, for a group the sender is a member of, the other members
// (forbidden otherwise, EPH-AUDIENCE-01).
func typingAudience(tx *store.Tx, sig Signal) ([]address.Address, error) {
	if g, ok, err := liveGroup(tx, *sig.To); err != nil || ok {
		if err != nil || g.Role(sig.From.String()) == "" {
			return nil, errors.Join(err, httpapi.Errorf("forbidden", "%s is not a member of %s", sig.From, sig.To))
		}
		var out []address.Address
		for _, m := range g.Members {
			if a, err := address.ParseCanonical(m.Address); err == nil && a != sig.From {
				out = append(out, a)
			}
		}
		return out, nil
	}
	c, isContact, err := tx.GetContact(sig.From.String(), sig.To.String())
	if err != nil {
		return nil, err
	}
	if !isContact || c.State != store.ContactAccepted {
		return nil, httpapi.Errorf("forbidden", "%s is neither an accepted contact nor a group of %s", sig.To, sig.From)
	}
	return []address.Address{*sig.To}, nil
}

// liveGroup returns the group at addr this server hosts or mirrors, unless
// it was dissolved.
func liveGroup(tx *store.Tx, addr address.Address) (store.Group, bool, error) {
	g, ok, err := tx.GetGroup(addr.String())
	if err != nil || !ok || g.Dissolved {
		return store.Group{}, false, err
	}
	return g, true, nil
}

// acceptedContacts lists the accepted contacts of addr.
func acceptedContacts(tx *store.Tx, addr address.Address) ([]address.Address, error) {
	all, err := tx.Contacts(addr.String())
	if err != nil {
		return nil, err
	}
	var out []address.Address
	for _, c := range all {
		if c.State != store.ContactAccepted {
			continue
		}
		if a, err := address.ParseCanonical(c.Address); err == nil {
			out = append(out, a)
		}
	}
	return out, nil
}

// deliver pushes sig to the local recipients that take it and forwards it
// to the others' servers, one request per domain, in the background.
func (s *Service) deliver(ctx context.Context, sig Signal, to []address.Address) {
	byDomain := map[string][]address.Address{}
	for _, a := range to {
		byDomain[a.Domain] = append(byDomain[a.Domain], a)
	}
	s.pushLocal(sig, byDomain[s.cfg.Domain])
	delete(byDomain, s.cfg.Domain)
	for dest, rcpts := range byDomain {
		go s.forward(context.WithoutCancel(ctx), sig, dest, rcpts)
	}
}

// pushLocal pushes sig to each local recipient that has the sender as an
// accepted contact and has not turned the kind off.
func (s *Service) pushLocal(sig Signal, to []address.Address) {
	if len(to) == 0 || s.parts.Push == nil {
		return
	}
	raw, err := json.Marshal(sig)
	if err != nil {
		return
	}
	var takers []address.Address
	err = s.st.View(func(tx *store.Tx) error {
		for _, a := range to {
			ok, err := takes(tx, a, sig)
			if err != nil {
				return err
			}
			if ok {
				takers = append(takers, a)
			}
		}
		return nil
	})
	if err != nil {
		slog.Error("signal recipients", "err", err)
		return
	}
	for _, a := range takers {
		s.parts.Push.PushSignal(a, raw)
	}
}

// takes reports whether the local account a takes sig: active, in its
// audience ([knows]), and the kind turned on.
func takes(tx *store.Tx, a address.Address, sig Signal) (bool, error) {
	acct, ok, err := tx.GetAccount(a.String())
	if err != nil || !ok || acct.State != store.StateActive {
		return false, err
	}
	if ok, err := knows(tx, a, sig); err != nil || !ok {
		return false, err
	}
	if sig.Kind == "typing" {
		return acct.Settings.Typing, nil
	}
	return acct.Settings.Presence, nil
}

// knows reports whether a is in sig's audience as its own server sees
// it: a fellow member of the group a typing signal is for, or else a
// holder of the sender as an accepted contact.
func knows(tx *store.Tx, a address.Address, sig Signal) (bool, error) {
	if sig.Kind == "typing" && sig.To != nil {
		g, ok, err := liveGroup(tx, *sig.To)
		if err != nil || ok {
			return ok && g.Role(a.String()) != "" && g.Role(sig.From.String()) != "", err
		}
	}
	c, ok, err := tx.GetContact(a.String(), sig.From.String())
	return ok && c.State == store.ContactAccepted, err
}

// forward posts sig to dest for rcpts once, if dest advertises signals
// (DISC-NEGOTIATE-01). A failure is logged and forgotten.
func (s *Service) forward(ctx context.Context, sig Signal, dest string, rcpts []address.Address) {
	if s.parts.Forward == nil {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, forwardTimeout)
	defer cancel()
	if s.parts.Features != nil {
		feats, err := s.parts.Features(ctx, dest)
		if err != nil || !slices.Contains(feats, "signals") {
			return
		}
	}
	for chunk := range slices.Chunk(rcpts, maxRecipients) {
		body, err := json.Marshal(federatedSignal{Signal: sig, To: chunk})
		if err != nil {
			return
		}
		status, answer, err := s.parts.Forward(ctx, http.MethodPost, dest, FederationPath, body)
		if err != nil || status != http.StatusAccepted {
			slog.Debug("signal forward", "destination", dest, "status", status, "answer", string(answer), "err", err)
		}
	}
}
