package server

import (
	"net/http"
	"slices"

	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/reference/server/admin"
	"github.com/emsg-project/emsg/reference/server/config"
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
var implemented = []string{"core", "federation", "groups", "sessions", "retention", "migration", "signals", "admin"}

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

// offered is the configured features less those the configuration
// leaves unusable: admin without an operator key (EMSG_ADMIN_KEYS).
func offered(c config.Config) []string {
	if len(c.AdminKeys) > 0 {
		return c.Features
	}
	return slices.DeleteFunc(slices.Clone(c.Features), func(f string) bool { return f == admin.Feature })
}

// discoveryDocument builds the document from the configuration and keys.
func (s *Server) discoveryDocument() discovery {
	c, p := s.cfg, s.policy.Current()
	return discovery{
		Domain:       c.Domain,
		Versions:     []string{"1"},
		Features:     advertised(offered(c)),
		ServerKeys:   map[string]string{s.key.ID: wire.EncodeBytes(s.key.Public())},
		Limits:       limits{MaxEnvelopeBytes: c.MaxEnvelopeBytes, MaxTTL: p.MaxTTL, DefaultTTL: p.DefaultTTL, MaxTxnItems: c.MaxTxnItems},
		Registration: p.Registration, // the operator's policy follows at once (ADMIN-POLICY-02)
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
