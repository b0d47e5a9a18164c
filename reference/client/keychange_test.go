package client

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/keys"
	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// rawBundles encodes bundles as a server sends them.
func rawBundles(t *testing.T, bs ...keys.Bundle) []json.RawMessage {
	t.Helper()
	out := make([]json.RawMessage, len(bs))
	for i, b := range bs {
		raw, err := b.Canonical()
		if err != nil {
			t.Fatal(err)
		}
		out[i] = raw
	}
	return out
}

// rotate returns id's successor, one second later.
func rotate(t *testing.T, id *keys.Identity, seed string) *keys.Identity {
	t.Helper()
	next, err := id.Rotate(wire.Seeded(seed, time.UnixMilli(int64(id.Bundle().Created)+1000)))
	if err != nil {
		t.Fatal(err)
	}
	return next
}

// TestLinkChain: a contact's new keys are taken only when they chain from
// the keys held (CLIENT-KEY-03).
func TestLinkChain(t *testing.T) {
	bob := address.MustParse("bob#a.test")
	b0 := newTestIdentity(t, "bob#a.test")
	b1 := rotate(t, b0, "b1")
	b2 := rotate(t, b1, "b2")
	// eve made keys of her own under Bob's address: self-signed, unlinked.
	eve, err := keys.NewIdentity(wire.Seeded("eve", time.UnixMilli(1800000000000)), bob)
	if err != nil {
		t.Fatal(err)
	}
	tampered := rawBundles(t, b1.Bundle())[0]
	tampered = json.RawMessage(replaceBox(t, tampered, b0.Bundle().BoxKey))
	alice := newTestIdentity(t, "alice#a.test")

	tests := []struct {
		name      string
		held      []keys.Bundle
		offered   []json.RawMessage
		want      []keys.Bundle // the chain held afterwards
		changed   bool
		refused   bool
		wantDefct wire.Defect // the verification failure inside a refusal, if any
	}{
		// happy path
		{"first bundle is trusted on first use", nil, rawBundles(t, b0.Bundle()),
			[]keys.Bundle{b0.Bundle()}, true, false, ""},
		{"the same bundle again changes nothing", []keys.Bundle{b0.Bundle()}, rawBundles(t, b0.Bundle()),
			[]keys.Bundle{b0.Bundle()}, false, false, ""},
		{"a rotation event's one bundle", []keys.Bundle{b0.Bundle()}, rawBundles(t, b1.Bundle()),
			[]keys.Bundle{b0.Bundle(), b1.Bundle()}, true, false, ""},
		{"a full chain after two rotations", []keys.Bundle{b0.Bundle()}, rawBundles(t, b0.Bundle(), b1.Bundle(), b2.Bundle()),
			[]keys.Bundle{b0.Bundle(), b1.Bundle(), b2.Bundle()}, true, false, ""},
		{"a suffix of the chain starting after the key held", []keys.Bundle{b0.Bundle()}, rawBundles(t, b1.Bundle(), b2.Bundle()),
			[]keys.Bundle{b0.Bundle(), b1.Bundle(), b2.Bundle()}, true, false, ""},
		{"an older bundle already held is no key change", []keys.Bundle{b0.Bundle(), b1.Bundle()}, rawBundles(t, b0.Bundle()),
			[]keys.Bundle{b0.Bundle(), b1.Bundle()}, false, false, ""},
		{"nothing offered", []keys.Bundle{b0.Bundle()}, nil,
			[]keys.Bundle{b0.Bundle()}, false, false, ""},
		// sad path
		{"a second rotation without the first does not link", []keys.Bundle{b0.Bundle()}, rawBundles(t, b2.Bundle()),
			[]keys.Bundle{b0.Bundle()}, false, true, ""},
		{"someone else's keys under the contact's address", []keys.Bundle{b0.Bundle()}, rawBundles(t, eve.Bundle()),
			[]keys.Bundle{b0.Bundle()}, false, true, ""},
		{"a chain that replaces the keys held", []keys.Bundle{b0.Bundle(), b1.Bundle()}, rawBundles(t, eve.Bundle()),
			[]keys.Bundle{b0.Bundle(), b1.Bundle()}, false, true, ""},
		{"a rotated bundle whose box key was swapped", []keys.Bundle{b0.Bundle()}, []json.RawMessage{tampered},
			[]keys.Bundle{b0.Bundle()}, false, true, wire.BadSignature},
		{"a bundle of another address", []keys.Bundle{b0.Bundle()}, rawBundles(t, alice.Bundle()),
			[]keys.Bundle{b0.Bundle()}, false, true, ""},
		{"a first bundle of another address", nil, rawBundles(t, alice.Bundle()),
			nil, false, true, ""},
		{"not JSON", []keys.Bundle{b0.Bundle()}, []json.RawMessage{json.RawMessage(`{"address":`)},
			[]keys.Bundle{b0.Bundle()}, false, true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, changed, err := linkChain(bob, tt.held, tt.offered)
			var kce *KeyChangeError
			if tt.refused != errors.As(err, &kce) || tt.refused != errors.Is(err, ErrKeyChange) {
				t.Fatalf("err %v, refused want %v", err, tt.refused)
			}
			if tt.wantDefct != "" && wire.DefectOf(kce.Err) != tt.wantDefct {
				t.Fatalf("refused with %v, want defect %s", kce.Err, tt.wantDefct)
			}
			if changed != tt.changed || len(got) != len(tt.want) {
				t.Fatalf("changed %v with %d bundles, want %v with %d", changed, len(got), tt.changed, len(tt.want))
			}
			for i := range got {
				if !same(got[i], tt.want[i]) {
					t.Fatalf("bundle %d differs from the one wanted", i)
				}
			}
		})
	}
}

// replaceBox swaps a bundle's box_key without signing again.
func replaceBox(t *testing.T, raw json.RawMessage, box wire.Bytes) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	m["box_key"] = wire.EncodeBytes(box)
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return out
}
