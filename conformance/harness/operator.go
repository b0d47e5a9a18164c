package harness

import (
	"crypto/ed25519"
	"fmt"
	"strings"

	"github.com/emsg-project/emsg/reference/protocol/fedsig"
	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// operatorKeyID names the operator key the harness generates for a run.
const operatorKeyID = "ed25519:conform"

// Operator is the operator key the admin specs sign with (the EMSG-Admin
// scheme, spec/openapi/admin.yaml). The harness generates one per run and
// configures its public half on the servers it starts, as
// EMSG_ADMIN_KEYS=<[Operator.Entry]>; for an external target the
// operator of the servers gives its private half
// (EMSG_CONFORM_OPERATOR_KEY, --operator-key), written as
// [Operator.String] writes it.
type Operator struct {
	Key fedsig.ServerKey
}

// NewOperator generates a fresh operator key.
func NewOperator() (*Operator, error) {
	k, err := fedsig.NewServerKey(wire.System(), operatorKeyID)
	if err != nil {
		return nil, fmt.Errorf("operator key: %w", err)
	}
	return &Operator{Key: k}, nil
}

// ParseOperator reads a private operator key written as
// ed25519:<id>=<base64url 32-byte seed>, the form of EMSG_ADMIN_KEYS with
// the seed in place of the public key.
func ParseOperator(s string) (*Operator, error) {
	id, seed64, ok := strings.Cut(strings.TrimSpace(s), "=")
	if !ok {
		return nil, fmt.Errorf("operator key: want ed25519:<id>=<base64url 32-byte seed>")
	}
	if err := fedsig.CheckKeyID(id); err != nil {
		return nil, fmt.Errorf("operator key: %w", err)
	}
	seed, err := wire.DecodeBytes(seed64)
	if err != nil || len(seed) != ed25519.SeedSize {
		return nil, fmt.Errorf("operator key %s: want a base64url seed of %d bytes", id, ed25519.SeedSize)
	}
	return &Operator{Key: fedsig.ServerKey{ID: id, Private: ed25519.NewKeyFromSeed(seed)}}, nil
}

// Entry is the public half as a server's configuration lists it:
// ed25519:<id>=<base64url public key> (EMSG_ADMIN_KEYS).
func (o *Operator) Entry() string {
	return o.Key.ID + "=" + wire.EncodeBytes(o.Key.Public())
}

// String is the private half, as [ParseOperator] reads it.
func (o *Operator) String() string {
	return o.Key.ID + "=" + wire.EncodeBytes(o.Key.Private.Seed())
}

// WithOperator returns c with an operator key: the one given, or for
// the targets the harness starts a fresh one. An external target without
// a given key keeps none, and the admin specs skip.
func (c Config) WithOperator() (Config, error) {
	if c.Operator != nil || c.Kind == KindExternal {
		return c, nil
	}
	op, err := NewOperator()
	if err != nil {
		return c, err
	}
	c.Operator = op
	return c, nil
}

// AdminKeys is the EMSG_ADMIN_KEYS value the harness gives the server of
// domain: the operator's entry, except for the last of three or more
// domains, which runs without an operator key so that the suites also see
// a server that does not offer the admin API (CONF-FEATURE-01).
func (c Config) AdminKeys(domain string) string {
	if !c.OperatorConfigured(domain) {
		return ""
	}
	return c.Operator.Entry()
}

// OperatorConfigured reports whether the server of domain knows the
// operator key: every domain of an external target (its operator says
// so by giving the key), every domain but the last of three or more of
// the others.
func (c Config) OperatorConfigured(domain string) bool {
	if c.Operator == nil {
		return false
	}
	if c.Kind == KindExternal {
		return true
	}
	n := len(c.Domains)
	return !(n >= 3 && domain == c.Domains[n-1])
}
