package server

import (
	"net/http"
	"slices"

	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/reference/server/httpapi"
)

// discovery is the document at /.well-known/emsg (schema discovery.json):
// what a peer or client needs before it says anything else.
type discovery struct {
	Domain       string            `json:"domain"`
	Versions     []string          `json:"versions"`
	Features     []string          `json:"features"`
	ServerKeys   map[string]string `json:"server_keys"`
	Limits       limits            `json:"limits"`
	Registration string            `json:"registration"`
}

type limits struct {
	MaxEnvelopeBytes int `json:"max_envelope_bytes"`
	MaxTTL           int `json:"max_ttl"`
	DefaultTTL       int `json:"default_ttl"`
	MaxTxnItems      int `json:"max_txn_items"`
}

// implemented lists the features this server has code for, in the order
// discovery lists them. Every server claims core (DISC-FEATURES-01); the
// others join the list as they are written, so the document never
// advertises what the server cannot do.
var implemented = []string{"core", "federation", "groups", "sessions", "retention", "migration", "signals"}

// advertised returns the configured features the server implements.
func advertised(configured []string) []string {
	out := []string{"core"}
	for _, f := range implemented {
		if f != "core" && slices.Contains(configured, f) {
			out = append(out, f)
		}
	}
	return out
}

// discoveryDocument builds the document from the configuration and keys.
func (s *Server) discoveryDocument() discovery {
	c := s.cfg
	return discovery{
		Domain:       c.Domain,
		Versions:     []string{"1"},
		Features:     advertised(c.Features),
		ServerKeys:   map[string]string{s.key.ID: wire.EncodeBytes(s.key.Public())},
		Limits:       limits{MaxEnvelopeBytes: c.MaxEnvelopeBytes, MaxTTL: c.MaxTTL, DefaultTTL: c.DefaultTTL, MaxTxnItems: c.MaxTxnItems},
		Registration: c.Registration,
	}
}

func (s *Server) handleDiscovery(w http.ResponseWriter, _ *http.Request) {
	httpapi.WriteJSON(w, http.StatusOK, s.discoveryDocument())
}

// handleHealth answers the container contract's health check
// (DISC-HEALTH-01): no authentication, no body.
func (s *Server) handleHealth(w http.ResponseWriter, _ *http.Request) {
	httpapi.WriteJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}
