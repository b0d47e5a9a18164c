package account

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"testing"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/keys"
	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// exportFixture is alice's export with two contacts, a group and a favorite.
type exportFixture struct {
	alice, bob, carol *keys.Identity
	export            *Export
	raw               []byte
}

func newExport(t *testing.T, seed string) exportFixture {
	t.Helper()
	f := exportFixture{alice: identity(t, "alice#a.test"), bob: identity(t, "bob#b.test"), carol: identity(t, "carol#c.test")}
	e, err := NewExport(wire.Seeded(seed, now), f.alice.SignKey(), Export{
		Bundle: f.alice.Bundle(),
		Contacts: []Contact{
			{Address: f.bob.Address(), Bundle: f.bob.Bundle(), State: StateAccepted},
			{Address: f.carol.Address(), Bundle: f.carol.Bundle(), State: StateBlocked},
		},
		Groups:    []Group{{Address: address.MustParse("team#a.test"), Role: RoleOwner}},
		Settings:  Settings{AcceptStrangers: true, TTL: 604800, Typing: true},
		Favorites: []json.RawMessage{json.RawMessage(`{"v":1,"id":"01HZZZZZZZZZZZZZZZZZZZZZZZ"}`)},
	})
	if err != nil {
		t.Fatalf("NewExport: %v", err)
	}
	f.export, f.raw = e, mustBytes(t, e)
	return f
}

func TestExport(t *testing.T) {
	f := newExport(t, "export")
	key := pub(f.alice)
	tests := []struct {
		name  string
		raw   []byte
		key   ed25519.PublicKey
		want  wire.Defect
		field string
	}{
		// happy path
		{"as made", f.raw, key, "", ""},
		// sad path: verification
		{"lists emptied after signing", mutate(t, f.raw, func(m map[string]any) {
			m["contacts"], m["groups"], m["favorites"] = []any{}, []any{}, []any{}
		}), key, wire.BadSignature, "*"},
		{"another account's key", f.raw, pub(f.bob), wire.BadSignature, "*"},
		{"a setting changed after signing", mutate(t, f.raw, set(`false`, "settings", "typing")), key, wire.BadSignature, "*"},
		{"a contact's state changed after signing", mutate(t, f.raw, set(`"accepted"`, "contacts", 1, "state")), key, wire.BadSignature, "*"},
		// sad path: version and type
		{"version 2", mutate(t, f.raw, set(`2`, "v")), key, wire.UnsupportedVersion, "/v"},
		{"version 2 with a member v1 lacks", mutate(t, f.raw, func(m map[string]any) { m["v"], m["devices"] = 2, []any{} }), key, wire.UnsupportedVersion, "/v"},
		{"missing version", mutate(t, f.raw, drop("v")), key, wire.Malformed, "/v"},
		{"version a string", mutate(t, f.raw, set(`"1"`, "v")), key, wire.Malformed, "/v"},
		{"type of a move notice", mutate(t, f.raw, set(`"move"`, "type")), key, wire.Malformed, "/type"},
		// sad path: members
		{"unknown member", mutate(t, f.raw, set(`[]`, "devices")), key, wire.Malformed, "/devices"},
		{"contacts not an array", mutate(t, f.raw, set(`{}`, "contacts")), key, wire.Malformed, "/contacts"},
		{"contact with an unknown member", mutate(t, f.raw, set(`"hi"`, "contacts", 0, "note")), key, wire.Malformed, "/contacts/0/note"},
		{"contact pending", mutate(t, f.raw, set(`"pending_out"`, "contacts", 0, "state")), key, wire.Malformed, "/contacts/0/state"},
		{"contact whose bundle is someone else's", mutate(t, f.raw, set(`"dave#b.test"`, "contacts", 0, "address")), key, wire.Malformed, "/contacts/0/bundle"},
		{"contact twice", mutate(t, f.raw, func(m map[string]any) { c := m["contacts"].([]any); m["contacts"] = append(c, c[0]) }), key, wire.Malformed, "/contacts/2/address"},
		{"contact bundle's signature broken", mutate(t, f.raw, set(`"`+wire.EncodeBytes(f.carol.Bundle().BoxKey)+`"`, "contacts", 0, "bundle", "box_key")), key, wire.BadSignature, "/contacts/0/bundle"},
		{"own bundle of a low-order box key", mutate(t, f.raw, set(`"`+wire.EncodeBytes(make([]byte, 32))+`"`, "bundle", "box_key")), key, wire.BadKey, "/bundle"},
		{"own bundle of another account", mutate(t, f.raw, set(`"alice#b.test"`, "address")), key, wire.Malformed, "/bundle"},
		{"group role guest", mutate(t, f.raw, set(`"guest"`, "groups", 0, "role")), key, wire.Malformed, "/groups/0/role"},
		{"group address invalid", mutate(t, f.raw, set(`"team"`, "groups", 0, "address")), key, wire.BadAddress, "/groups/0/address"},
		{"settings missing ttl", mutate(t, f.raw, drop("settings", "ttl")), key, wire.Malformed, "/settings/ttl"},
		{"settings ttl zero", mutate(t, f.raw, set(`0`, "settings", "ttl")), key, wire.Malformed, "/settings/ttl"},
		{"settings typing a string", mutate(t, f.raw, set(`"yes"`, "settings", "typing")), key, wire.Malformed, "/settings/typing"},
		{"settings with an unknown member", mutate(t, f.raw, set(`true`, "settings", "receipts")), key, wire.Malformed, "/settings/receipts"},
		{"favorite not an object", mutate(t, f.raw, set(`["x"]`, "favorites")), key, wire.Malformed, "/favorites/0"},
		{"favorite with a float", mutate(t, f.raw, set(`[{"ts":1.5}]`, "favorites")), key, wire.BadEncoding, "/favorites/0/ts"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := ParseExport(tt.raw)
			if err == nil {
				err = e.Verify(tt.key)
			}
			wantDefect(t, err, tt.want, tt.field)
		})
	}
}

func TestExportRoundTrip(t *testing.T) {
	f := newExport(t, "export")
	e, err := ParseExport(f.raw)
	if err != nil {
		t.Fatalf("ParseExport: %v", err)
	}
	if len(e.Contacts) != 2 || e.Contacts[1].State != StateBlocked || e.Groups[0].Role != RoleOwner ||
		e.Settings.TTL != 604800 || !e.Settings.AcceptStrangers || len(e.Favorites) != 1 || e.Created != wire.ToMillis(now) {
		t.Errorf("decoded %+v", e)
	}
	if !bytes.Equal(mustBytes(t, e), f.raw) {
		t.Errorf("parsed export does not keep its bytes")
	}
	if again := newExport(t, "export"); !bytes.Equal(again.raw, f.raw) {
		t.Errorf("same seed, different exports:\n%s\n%s", again.raw, f.raw)
	}
}

// TestExportVerifyChecksBuiltBundles covers an export built in memory whose
// embedded bundle is broken: the outer signature holds, the bundle does not.
func TestExportVerifyChecksBuiltBundles(t *testing.T) {
	f := newExport(t, "export")
	lowOrder := f.bob.Bundle()
	lowOrder.BoxKey = make(wire.Bytes, 32)
	forged := f.carol.Bundle()
	forged.Created++
	tests := []struct {
		name    string
		contact keys.Bundle
		want    wire.Defect
	}{
		// sad path
		{"contact bundle with a low-order box key", lowOrder, wire.BadKey},
		{"contact bundle changed after its signature", forged, wire.BadSignature},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := NewExport(wire.Seeded("x", now), f.alice.SignKey(), Export{
				Bundle:   f.alice.Bundle(),
				Contacts: []Contact{{Address: tt.contact.Address, Bundle: tt.contact, State: StateAccepted}},
				Settings: Settings{TTL: 60},
			})
			if err != nil {
				t.Fatalf("NewExport: %v", err)
			}
			wantDefect(t, e.Verify(pub(f.alice)), tt.want, "/contacts/0/bundle")
			_, err = ParseExport(mustBytes(t, e))
			wantDefect(t, err, tt.want, "/contacts/0/bundle")
		})
	}
}

// TestExportEmptyLists checks that nil lists are written as [] and read back.
func TestExportEmptyLists(t *testing.T) {
	alice := identity(t, "alice#a.test")
	e, err := NewExport(wire.Seeded("empty", now), alice.SignKey(), Export{Bundle: alice.Bundle(), Settings: Settings{TTL: 1}})
	if err != nil {
		t.Fatalf("NewExport: %v", err)
	}
	raw := mustBytes(t, e)
	if !bytes.Contains(raw, []byte(`"contacts":[]`)) || !bytes.Contains(raw, []byte(`"favorites":[]`)) {
		t.Errorf("nil lists not written as []: %s", raw)
	}
	back, err := ParseExport(raw)
	if err != nil {
		t.Fatalf("ParseExport: %v", err)
	}
	if err := back.Verify(pub(alice)); err != nil {
		t.Errorf("Verify: %v", err)
	}
}
