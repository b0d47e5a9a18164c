package account

import (
	"crypto/ed25519"
	"encoding/json"
	"fmt"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/keys"
	"github.com/emsg-project/emsg/reference/protocol/signing"
	"github.com/emsg-project/emsg/reference/protocol/strict"
	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// TypeExport is the "type" of an account export.
const TypeExport = "export"

// Version is the export format version this package reads and writes.
const Version = 1

var (
	exportMembers   = []string{"type", "v", "address", "bundle", "contacts", "groups", "settings", "favorites", "created", "sig"}
	contactMembers  = []string{"address", "bundle", "state"}
	groupMembers    = []string{"address", "role"}
	settingsMembers = []string{"accept_strangers", "accept_requests", "ttl", "typing", "presence"}
)

// The contact states an export carries (pending requests are not exported).
const (
	StateAccepted = "accepted"
	StateBlocked  = "blocked"
)

// The roles an account can hold in a group.
const (
	RoleOwner  = "owner"
	RoleAdmin  = "admin"
	RoleMember = "member"
)

// Export is everything an account takes to another server: its key bundle,
// its contacts with their bundles, its groups and roles, its settings and
// its favorites, signed by the account key. The client builds it from
// GET /account/data and POSTs it to /account/import on the new server.
type Export struct {
	Address   address.Address   `json:"address"`
	Bundle    keys.Bundle       `json:"bundle"` // the account's current key bundle
	Contacts  []Contact         `json:"contacts"`
	Groups    []Group           `json:"groups"`
	Settings  Settings          `json:"settings"`
	Favorites []json.RawMessage `json:"favorites"` // envelopes to self, as stored
	Created   wire.Millis       `json:"created"`
	Sig       wire.Bytes        `json:"sig,omitempty"`

	raw []byte
}

// Contact is one exported contact: accepted or blocked, with the bundle
// the account holds for it.
type Contact struct {
	Address address.Address `json:"address"`
	Bundle  keys.Bundle     `json:"bundle"`
	State   string          `json:"state"` // StateAccepted or StateBlocked
}

// Group is one group the account belongs to, and its role there.
type Group struct {
	Address address.Address `json:"address"`
	Role    string          `json:"role"` // RoleOwner, RoleAdmin or RoleMember
}

// Settings are the account settings of GET/PATCH /settings.
type Settings struct {
	AcceptStrangers bool  `json:"accept_strangers"`
	AcceptRequests  bool  `json:"accept_requests"`
	TTL             int64 `json:"ttl"` // default envelope ttl, seconds, at least 1
	Typing          bool  `json:"typing"`
	Presence        bool  `json:"presence"`
}

type exportFields Export

// NewExport signs e (Address, Sig and the encoding are set here) with the
// account's sign key; Created is deps.Now. Nil lists are written as [].
func NewExport(deps wire.Deps, signKey ed25519.PrivateKey, e Export) (*Export, error) {
	x := e
	x.Address, x.Created, x.raw = e.Bundle.Address, deps.Millis(), nil
	x.Contacts, x.Groups, x.Favorites = nonNil(x.Contacts), nonNil(x.Groups), nonNil(x.Favorites)
	err := x.check()
	if err == nil {
		x.raw, err = signing.SignObject(x.fields, &x.Sig, signKey)
	}
	if err != nil {
		return nil, fmt.Errorf("new export: %w", err)
	}
	return &x, nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func (e *Export) fields() any {
	return struct {
		Type string `json:"type"`
		V    int    `json:"v"`
		*exportFields
	}{TypeExport, Version, (*exportFields)(e)}
}

// ParseExport decodes an export strictly and remembers raw for
// [Export.Verify]. Embedded bundles are read by [keys.ParseBundle], which
// also checks their own signatures, so a broken bundle is reported here
// with the defect keys gives it (field "/contacts/3/bundle").
func ParseExport(raw []byte) (*Export, error) {
	e, err := parseExport(raw)
	if err != nil {
		return nil, fmt.Errorf("parse export: %w", err)
	}
	return e, nil
}

func parseExport(raw []byte) (*Export, error) {
	r, err := parseSigned(raw, TypeExport, exportMembers)
	if err != nil {
		return nil, err
	}
	e := &Export{Address: r.Address("address"), Bundle: readBundle(r, "bundle")}
	e.Contacts = readList(r, "contacts", readContact)
	e.Groups = readList(r, "groups", readGroup)
	e.Settings = readSettings(r)
	e.Favorites = readList(r, "favorites", readFavorite)
	e.Created, e.Sig, e.raw = r.Millis("created"), r.Bytes("sig", ed25519.SignatureSize), clone(raw)
	if r.Err() != nil {
		return nil, r.Err()
	}
	return e, e.check()
}

// readList reads the array member name element by element.
func readList[T any](r *strict.Reader, name string, read func(r *strict.Reader, raw json.RawMessage, where string) T) []T {
	elems := r.Array(name)
	out := make([]T, 0, len(elems))
	for _, e := range elems {
		out = append(out, read(r, e.Raw, e.Where))
	}
	return out
}

func readContact(r *strict.Reader, raw json.RawMessage, where string) Contact {
	n := r.Object(raw, where, strict.Shape{Members: contactMembers})
	c := Contact{Address: n.Address("address"), Bundle: readBundle(n, "bundle"), State: n.OneOf("state", StateAccepted, StateBlocked)}
	return c
}

func readGroup(r *strict.Reader, raw json.RawMessage, where string) Group {
	n := r.Object(raw, where, strict.Shape{Members: groupMembers})
	g := Group{Address: n.Address("address"), Role: n.OneOf("role", RoleOwner, RoleAdmin, RoleMember)}
	return g
}

// readFavorite keeps a favorite as received; it must be a JSON object (an
// envelope, which the importer checks with the envelope package).
func readFavorite(r *strict.Reader, raw json.RawMessage, where string) json.RawMessage {
	if r.Err() == nil && (len(raw) == 0 || raw[0] != '{') {
		r.Fail(wire.Errorf(wire.Malformed, where, "a favorite must be an envelope object"))
	}
	return raw
}

func readSettings(r *strict.Reader) Settings {
	n := r.Member("settings", strict.Shape{Members: settingsMembers})
	s := Settings{AcceptStrangers: n.Bool("accept_strangers"), AcceptRequests: n.Bool("accept_requests"),
		TTL: n.Int("ttl"), Typing: n.Bool("typing"), Presence: n.Bool("presence")}
	if n.Err() == nil && s.TTL < 1 {
		n.Fail(wire.Errorf(wire.Malformed, "/settings/ttl", "ttl %d must be at least 1 second", s.TTL))
	}
	return s
}

// check is the consistency an export needs beyond its shape: the bundle is
// the account's own and every contact's bundle is that contact's, no
// contact or group appears twice, states and roles are known (all
// malformed).
func (e *Export) check() error {
	if err := checkAddress("/address", e.Address); err != nil {
		return err
	}
	if e.Bundle.Address != e.Address {
		return wire.Errorf(wire.Malformed, "/bundle", "bundle is for %s, the export is of %s", e.Bundle.Address, e.Address)
	}
	if err := checkContacts(e.Contacts); err != nil {
		return err
	}
	return checkGroups(e.Groups)
}

func checkContacts(cs []Contact) error {
	seen := make(map[address.Address]bool, len(cs))
	for i, c := range cs {
		where := strict.Index("/contacts", i)
		switch {
		case c.Bundle.Address != c.Address:
			return wire.Errorf(wire.Malformed, strict.Pointer(where, "bundle"), "bundle is for %s, the contact is %s", c.Bundle.Address, c.Address)
		case c.State != StateAccepted && c.State != StateBlocked:
			return wire.Errorf(wire.Malformed, strict.Pointer(where, "state"), "unknown state %.40q", c.State)
		case seen[c.Address]:
			return wire.Errorf(wire.Malformed, strict.Pointer(where, "address"), "contact %s appears twice", c.Address)
		}
		seen[c.Address] = true
	}
	return nil
}

func checkGroups(gs []Group) error {
	seen := make(map[address.Address]bool, len(gs))
	for i, g := range gs {
		where := strict.Index("/groups", i)
		switch {
		case g.Role != RoleOwner && g.Role != RoleAdmin && g.Role != RoleMember:
			return wire.Errorf(wire.Malformed, strict.Pointer(where, "role"), "unknown role %.40q", g.Role)
		case seen[g.Address]:
			return wire.Errorf(wire.Malformed, strict.Pointer(where, "address"), "group %s appears twice", g.Address)
		}
		seen[g.Address] = true
	}
	return nil
}

// Verify checks the export with the account's sign key, in this order: its
// consistency ([Export] check, malformed); the signature over the export
// as received (bad_signature, bad_key for a key not 32 bytes); the
// account's bundle, then every contact's bundle, in order
// ([keys.Bundle.Verify]: bad_signature, bad_key, bad_chain, ...).
//
// pub must come from somewhere the importer trusts (the old server's
// GET /keys), not from the export itself.
func (e *Export) Verify(pub ed25519.PublicKey) error {
	if err := e.verify(pub); err != nil {
		return fmt.Errorf("verify export: %w", err)
	}
	return nil
}

func (e *Export) verify(pub ed25519.PublicKey) error {
	if err := e.check(); err != nil {
		return err
	}
	if err := signing.VerifyEncoded(e, pub); err != nil {
		return err
	}
	if err := e.Bundle.Verify(); err != nil {
		return strict.At("/bundle", err)
	}
	for i, c := range e.Contacts {
		if err := c.Bundle.Verify(); err != nil {
			return strict.At(strict.Pointer(strict.Index("/contacts", i), "bundle"), err)
		}
	}
	return nil
}

// Bytes returns the export's encoding, as [LoginProof.Bytes] does.
func (e *Export) Bytes() ([]byte, error) { return signing.Encoding(e.raw, e.fields) }

// MarshalJSON returns [Export.Bytes].
func (e *Export) MarshalJSON() ([]byte, error) { return e.Bytes() }

// UnmarshalJSON is [ParseExport].
func (e *Export) UnmarshalJSON(raw []byte) error {
	p, err := ParseExport(raw)
	if err == nil {
		*e = *p
	}
	return err
}
