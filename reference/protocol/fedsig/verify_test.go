package fedsig

import (
	"context"
	"crypto/ed25519"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// now is the receiver's clock in every verification test.
var now = time.UnixMilli(1_700_000_000_000)

const inbox = "/emsg/v1/federation/inbox"

// testKey derives a server key from a seed.
func testKey(t testing.TB, seed, id string) ServerKey {
	t.Helper()
	k, err := NewServerKey(wire.Seeded(seed, now), id)
	if err != nil {
		t.Fatalf("NewServerKey: %v", err)
	}
	return k
}

// request is one signed request as a receiver sees it.
type request struct {
	header, method, target string
	body                   []byte
}

// signAt signs a POST from a.test to b.test with a clock offset by skew.
func signAt(t testing.TB, k ServerKey, skew time.Duration, target string, body []byte) request {
	t.Helper()
	h, err := Sign(wire.Seeded("sign", now.Add(skew)), k, "POST", target, "a.test", "b.test", body)
	if err != nil {
		t.Fatalf("Sign: %v", err)
	}
	return request{header: h, method: "POST", target: target, body: body}
}

func TestVerify(t *testing.T) {
	k1 := testKey(t, "a.test k1", "ed25519:k1")
	other := testKey(t, "someone else", "ed25519:k1")
	keys := StaticKeys{}.Add("a.test", k1)
	body := []byte(`{"origin":"a.test","destination":"b.test","txn":"t1","items":[]}`)
	fresh := signAt(t, k1, 0, inbox, body)
	edit := func(r request, f func(*request)) request { f(&r); return r }
	replaceHeader := func(old, new string) request {
		return edit(fresh, func(r *request) { r.header = strings.Replace(r.header, old, new, 1) })
	}
	failing := KeyLookupFunc(func(context.Context, string, string) (ed25519.PublicKey, error) {
		return nil, errors.New("discovery fetch failed")
	})
	short := KeyLookupFunc(func(context.Context, string, string) (ed25519.PublicKey, error) {
		return make(ed25519.PublicKey, 31), nil
	})
	tests := []struct {
		name string
		req  request
		keys KeyLookup
		want wire.Defect // "" means accepted
	}{
		// happy path
		{"fresh request", fresh, keys, ""},
		{"ts exactly 300000 ms in the past", signAt(t, k1, -MaxSkew, inbox, body), keys, ""},
		{"ts exactly 300000 ms in the future", signAt(t, k1, MaxSkew, inbox, body), keys, ""},
		{"empty body", signAt(t, k1, 0, inbox, nil), keys, ""},
		{"target with a percent-encoded query", signAt(t, k1, 0, "/emsg/v1/federation/keys/alice%23a.test?x=%2F", nil), keys, ""},
		{"header parameters reordered", edit(fresh, func(r *request) { r.header = reorder(t, r.header) }), keys, ""},
		// sad path: one defect each
		{"ts 300001 ms in the past", signAt(t, k1, -MaxSkew-time.Millisecond, inbox, body), keys, wire.ClockSkew},
		{"ts 300001 ms in the future", signAt(t, k1, MaxSkew+time.Millisecond, inbox, body), keys, wire.ClockSkew},
		{"addressed to another server", replaceHeader(`destination="b.test"`, `destination="c.test"`), keys, wire.WrongDestination},
		{"key id the origin does not publish", replaceHeader(`key="ed25519:k1"`, `key="ed25519:k2"`), keys, wire.UnknownKey},
		{"origin without keys", replaceHeader(`origin="a.test"`, `origin="c.test"`), keys, wire.UnknownKey},
		{"key lookup fails", fresh, failing, wire.UnknownKey},
		{"no key lookup", fresh, nil, wire.UnknownKey},
		{"published key of 31 bytes", fresh, short, wire.BadKey},
		{"body changed", edit(fresh, func(r *request) { r.body = append([]byte(nil), body[:len(body)-1]...) }), keys, wire.BadSignature},
		{"body dropped", edit(fresh, func(r *request) { r.body = nil }), keys, wire.BadSignature},
		{"method changed", edit(fresh, func(r *request) { r.method = "PUT" }), keys, wire.BadSignature},
		{"target changed", edit(fresh, func(r *request) { r.target = "/emsg/v1/federation/signals" }), keys, wire.BadSignature},
		{"target percent-encoding changed", edit(signAt(t, k1, 0, "/keys/alice%23a.test", nil), func(r *request) { r.target = "/keys/alice%23A.test" }), keys, wire.BadSignature},
		{"ts changed by 1 ms", replaceHeader(`ts="1700000000000"`, `ts="1700000000001"`), keys, wire.BadSignature},
		{"signed by another key under the same id", signAt(t, other, 0, inbox, body), keys, wire.BadSignature},
		{"signature of zeros", edit(fresh, func(r *request) { r.header = r.header[:strings.Index(r.header, `sig="`)] + `sig="` + sig64 + `"` }), keys, wire.BadSignature},
		{"malformed header", edit(fresh, func(r *request) { r.header = "EMSG-Federation" }), keys, wire.Malformed},
		{"lower-case method", edit(fresh, func(r *request) { r.method = "post" }), keys, wire.Malformed},
		{"admin header at a federation endpoint", replaceHeader("EMSG-Federation", "EMSG-Admin"), keys, wire.Malformed},
		// sad path: several defects, the first check in the documented order wins
		{"misdirected and stale: wrong_destination first", edit(signAt(t, k1, -time.Hour, inbox, body), func(r *request) {
			r.header = strings.Replace(r.header, `destination="b.test"`, `destination="c.test"`, 1)
		}), keys, wire.WrongDestination},
		{"stale with an unknown key: clock_skew first", signAt(t, other, time.Hour, inbox, body), StaticKeys{}, wire.ClockSkew},
		{"lower-case method and an unknown key: malformed first", edit(fresh, func(r *request) { r.method = "post" }), StaticKeys{}, wire.Malformed},
		{"unknown key and a changed body: unknown_key first", edit(fresh, func(r *request) { r.body = nil }), StaticKeys{}, wire.UnknownKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Verify(context.Background(), now, tt.req.header, tt.req.method, tt.req.target, tt.req.body, "b.test", tt.keys)
			if got := wire.DefectOf(err); got != tt.want {
				t.Fatalf("got defect %q (%v), want %q", got, err, tt.want)
			}
			if tt.want == "" && p.Origin != "a.test" {
				t.Errorf("got origin %q, want a.test", p.Origin)
			}
		})
	}
}

// reorder rewrites a canonical header with its parameters reversed and
// spaces after the commas.
func reorder(t *testing.T, h string) string {
	t.Helper()
	scheme, params, _ := strings.Cut(h, " ")
	parts := strings.Split(params, ",")
	for i, j := 0, len(parts)-1; i < j; i, j = i+1, j-1 {
		parts[i], parts[j] = parts[j], parts[i]
	}
	return scheme + " " + strings.Join(parts, " , ")
}

func TestVerifierAdmin(t *testing.T) {
	op := testKey(t, "operator", "ed25519:op1")
	v := Verifier{Scheme: SchemeAdmin, Self: "b.test", Keys: StaticKeys{}.Add(AdminOrigin, op)}
	h, err := SignAdmin(wire.Seeded("admin", now), op, "POST", "/emsg/v1/admin/invites", "b.test", nil)
	if err != nil {
		t.Fatalf("SignAdmin: %v", err)
	}
	if _, err := v.Verify(context.Background(), now, h, "POST", "/emsg/v1/admin/invites", nil); err != nil {
		t.Errorf("admin request: got %v, want accepted", err)
	}
	fed, err := Sign(wire.Seeded("fed", now), op, "POST", "/emsg/v1/admin/invites", "a.test", "b.test", nil)
	if err != nil {
		t.Fatalf("Sign: %v", err)
	}
	if _, err := v.Verify(context.Background(), now, fed, "POST", "/emsg/v1/admin/invites", nil); wire.DefectOf(err) != wire.Malformed {
		t.Errorf("federation header at the admin endpoint: got %v, want malformed", err)
	}
}

func TestSignRejects(t *testing.T) {
	k := testKey(t, "k", "ed25519:k1")
	deps := wire.Seeded("s", now)
	tests := []struct {
		name                                string
		key                                 ServerKey
		method, target, origin, destination string
		want                                wire.Defect
	}{
		// sad path: a signer never emits a header its peers must reject
		{"upper-case origin", k, "POST", inbox, "A.test", "b.test", wire.Malformed},
		{"origin admin", k, "POST", inbox, "admin", "b.test", wire.Malformed},
		{"destination not a domain", k, "POST", inbox, "a.test", "b", wire.Malformed},
		{"lower-case method", k, "post", inbox, "a.test", "b.test", wire.Malformed},
		{"absolute URL as target", k, "POST", "https://b.test" + inbox, "a.test", "b.test", wire.Malformed},
		{"space in target", k, "POST", "/a b", "a.test", "b.test", wire.Malformed},
		{"bad key id", ServerKey{ID: "k1", Private: k.Private}, "POST", inbox, "a.test", "b.test", wire.Malformed},
		{"no private key", ServerKey{ID: "ed25519:k1"}, "POST", inbox, "a.test", "b.test", wire.BadKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Sign(deps, tt.key, tt.method, tt.target, tt.origin, tt.destination, nil)
			if got := wire.DefectOf(err); got != tt.want {
				t.Errorf("got defect %q (%v), want %q", got, err, tt.want)
			}
		})
	}
}

func TestNewServerKeyRejectsBadID(t *testing.T) {
	if _, err := NewServerKey(wire.Seeded("x", now), "ed25519:no-hyphens"); wire.DefectOf(err) != wire.Malformed {
		t.Errorf("got %v, want malformed", err)
	}
}
