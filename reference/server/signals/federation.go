package signals

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"slices"
	"strings"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/fedsig"
	"github.com/emsg-project/emsg/reference/server/httpapi"
	"github.com/emsg-project/emsg/spec"
)

// maxRecipients is the most recipients one federated signal lists.
const maxRecipients = 1000

// maxFederatedBytes bounds the body of a federated signal (1000
// recipients of at most 318 bytes each, and the signal).
const maxFederatedBytes = 1 << 20

// federatedSignal is the body of POST /emsg/v1/federation/signals
// (FederationSignal in federation.yaml).
type federatedSignal struct {
	Signal Signal            `json:"signal"`
	To     []address.Address `json:"to"`
}

// handleFederation serves POST /emsg/v1/federation/signals: size
// (too_large), the signature as for the inbox (unauthorized, bad_request,
// forbidden, bad_signature), the body (bad_request), the signal's from on
// the origin domain (forbidden), the sender's rate (rate_limited); then
// each listed recipient here that takes it gets it (202).
func (s *Service) handleFederation(w http.ResponseWriter, r *http.Request) {
	if err := s.receive(r); err != nil {
		writeError(w, err)
		return
	}
	w.WriteHeader(http.StatusAccepted)
}

func (s *Service) receive(r *http.Request) error {
	body, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, maxFederatedBytes))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return httpapi.Errorf("too_large", "the body exceeds %d bytes", maxFederatedBytes)
		}
		return httpapi.Errorf("bad_request", "the body could not be read: %v", err)
	}
	if !slices.ContainsFunc(r.Header.Values("Authorization"), isFederationScheme) {
		return httpapi.Errorf("unauthorized", "no Authorization header of scheme %s", fedsig.SchemeFederation)
	}
	p, err := s.verifier.VerifyRequest(r.Context(), s.deps.Now(), r, body)
	if err != nil {
		return err
	}
	fs, err := parseFederated(r, body)
	if err != nil {
		return err
	}
	if fs.Signal.From.Domain != p.Origin {
		return httpapi.Errorf("forbidden", "the signal's from %s is not on the origin %s", fs.Signal.From, p.Origin)
	}
	if err := s.limits.allow(fs.Signal.From.String()); err != nil {
		return err
	}
	var here []address.Address
	for _, a := range fs.To {
		if a.Domain == s.cfg.Domain {
			here = append(here, a)
		}
	}
	s.pushLocal(fs.Signal, here)
	return nil
}

// parseFederated checks the body: JSON, an object of signal
// (signal.json) and to (1 to 1000 addresses), nothing else.
func parseFederated(r *http.Request, body []byte) (federatedSignal, error) {
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		return federatedSignal{}, httpapi.Errorf("bad_request", "the body must be application/json")
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(body, &raw); err != nil {
		return federatedSignal{}, httpapi.Errorf("bad_request", "the body is not a JSON object: %v", err)
	}
	for name := range raw {
		if name != "signal" && name != "to" {
			return federatedSignal{}, httpapi.Errorf("bad_request", "unknown member %q", name)
		}
	}
	if err := spec.ValidateJSON("signal", raw["signal"]); err != nil {
		return federatedSignal{}, httpapi.Errorf("bad_request", "signal: %v", err)
	}
	var to []string
	if err := json.Unmarshal(raw["to"], &to); err != nil || len(to) == 0 || len(to) > maxRecipients {
		return federatedSignal{}, httpapi.Errorf("bad_request", "to must list 1 to %d addresses", maxRecipients)
	}
	var fs federatedSignal
	if err := json.Unmarshal(raw["signal"], &fs.Signal); err != nil {
		return federatedSignal{}, httpapi.Errorf("bad_address", "signal: %v", err)
	}
	for _, s := range to {
		a, err := address.ParseCanonical(s)
		if err != nil {
			return federatedSignal{}, httpapi.Errorf("bad_address", "to: %v", err)
		}
		fs.To = append(fs.To, a)
	}
	return fs, nil
}

// isFederationScheme reports whether an Authorization value names the
// EMSG-Federation scheme.
func isFederationScheme(h string) bool {
	scheme, _, _ := strings.Cut(h, " ")
	return strings.EqualFold(scheme, fedsig.SchemeFederation)
}
