package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/emsg-project/emsg/reference/protocol/account"
	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/fedsig"
	"github.com/emsg-project/emsg/reference/protocol/keys"
	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/reference/server/config"
)

// operatorLab is a lab of a.test with an operator key.
func operatorLab(t *testing.T) (*lab, fedsig.ServerKey) {
	t.Helper()
	key, err := fedsig.NewServerKey(wire.Seeded("operator", time.Now()), "ed25519:op1")
	if err != nil {
		t.Fatal(err)
	}
	base := config.Defaults()
	base.AdminKeys = []string{key.ID + "=" + wire.EncodeBytes(key.Public())}
	return startLabWith(t, base, "a.test"), key
}

// operate sends a signed admin request and returns status and body.
func (l *lab) operate(key fedsig.ServerKey, method, path string, body []byte) (int, []byte) {
	l.t.Helper()
	url, err := l.table.URL("a.test", path)
	if err != nil {
		l.t.Fatal(err)
	}
	req, _ := http.NewRequest(method, url, bytes.NewReader(body))
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if err := fedsig.SignAdminRequest(wire.System(), key, "a.test", req, body); err != nil {
		l.t.Fatal(err)
	}
	resp, err := l.client.Do(req)
	if err != nil {
		l.t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, out
}

// ADMIN-SUSPEND-01, -02: suspension ends the account's stream with 4001,
// its token stops working and its logins are forbidden until it is
// unsuspended.
func TestSuspensionShutsAnAccountOutUntilLifted(t *testing.T) {
	l, op := operatorLab(t)
	bob := l.newUser("bob#a.test")
	conn, _ := l.stream(bob)

	l.must(http.StatusNoContent)(l.operate(op, "POST", "/emsg/v1/admin/accounts/bob%23a.test/suspend", nil))
	_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	var ce *websocket.CloseError
	for {
		if _, _, err := conn.ReadMessage(); err != nil {
			if !errors.As(err, &ce) || ce.Code != 4001 {
				t.Fatalf("the stream ended with %v, want close status 4001", err)
			}
			break
		}
	}
	if status, body := l.call(bob, "a.test", "GET", "/emsg/v1/settings", nil); status != http.StatusUnauthorized {
		t.Fatalf("the suspended account's token: %d %s, want 401", status, body)
	}
	status, body := l.call(nil, "a.test", "POST", "/emsg/v1/login/challenge", map[string]any{"address": "bob#a.test"})
	if status == http.StatusOK {
		var ch struct {
			Challenge wire.Bytes `json:"challenge"`
		}
		_ = json.Unmarshal(body, &ch)
		status, body = l.login(bob, ch.Challenge)
	}
	if status != http.StatusForbidden {
		t.Fatalf("login of the suspended account: %d %s, want 403", status, body)
	}

	l.must(http.StatusNoContent)(l.operate(op, "POST", "/emsg/v1/admin/accounts/bob%23a.test/unsuspend", nil))
	again := l.relogin(bob)
	l.must(http.StatusOK)(l.call(again, "a.test", "GET", "/emsg/v1/settings", nil))
}

// ADMIN-POLICY-02: a new policy applies to the next request and to the
// discovery document.
func TestPolicyAppliesAtOnce(t *testing.T) {
	l, op := operatorLab(t)
	policy := []byte(`{"registration":"invite","auto_join":[],"max_ttl":3600,"default_ttl":60,"rate_limits":{"register":100}}`)
	l.must(http.StatusOK)(l.operate(op, "PUT", "/emsg/v1/admin/policy", policy))
	var disc struct {
		Registration string `json:"registration"`
		Limits       struct {
			MaxTTL     int `json:"max_ttl"`
			DefaultTTL int `json:"default_ttl"`
		} `json:"limits"`
	}
	_ = json.Unmarshal(l.must(http.StatusOK)(l.call(nil, "a.test", "GET", "/.well-known/emsg", nil)), &disc)
	if disc.Registration != "invite" || disc.Limits.MaxTTL != 3600 || disc.Limits.DefaultTTL != 60 {
		t.Fatalf("discovery after the policy change: %+v", disc)
	}
	status, body := l.call(nil, "a.test", "POST", "/emsg/v1/register", map[string]any{"bundle": identityOf(t, "carol#a.test").Bundle()})
	if status != http.StatusForbidden {
		t.Fatalf("registration without an invite under the invite policy: %d %s, want 403", status, body)
	}
}

// login answers a login of u with challenge.
func (l *lab) login(u *user, challenge []byte) (int, []byte) {
	l.t.Helper()
	a := u.addr()
	proof, err := account.NewLoginProof(wire.Seeded("e2e/relogin/"+a.String(), time.Now()), a, u.id.SignKey(), challenge, a.Domain)
	if err != nil {
		l.t.Fatal(err)
	}
	return l.call(nil, a.Domain, "POST", "/emsg/v1/login", map[string]any{"proof": proof})
}

// relogin logs u in again and returns it with the new token.
func (l *lab) relogin(u *user) *user {
	l.t.Helper()
	var ch struct {
		Challenge wire.Bytes `json:"challenge"`
	}
	_ = json.Unmarshal(l.must(http.StatusOK)(l.call(nil, u.addr().Domain, "POST", "/emsg/v1/login/challenge", map[string]any{"address": u.addr().String()})), &ch)
	var tok struct {
		Token string `json:"token"`
	}
	_ = json.Unmarshal(l.must(http.StatusOK)(l.login(u, ch.Challenge)), &tok)
	return &user{id: u.id, token: tok.Token}
}

// identityOf is a fresh identity for addr.
func identityOf(t *testing.T, addr string) *keys.Identity {
	t.Helper()
	id, err := keys.NewIdentity(wire.Seeded("e2e/"+addr, time.Now()), address.MustParse(addr))
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// The policy's rate_limits apply to the next request.
func TestPolicyRateLimitsApplyAtOnce(t *testing.T) {
	l, op := operatorLab(t)
	policy := []byte(`{"registration":"open","auto_join":[],"max_ttl":3600,"default_ttl":60,"rate_limits":{"register":1}}`)
	l.must(http.StatusOK)(l.operate(op, "PUT", "/emsg/v1/admin/policy", policy))
	l.must(http.StatusCreated)(l.call(nil, "a.test", "POST", "/emsg/v1/register", map[string]any{"bundle": identityOf(t, "carol#a.test").Bundle()}))
	status, body := l.call(nil, "a.test", "POST", "/emsg/v1/register", map[string]any{"bundle": identityOf(t, "dave#a.test").Bundle()})
	if status != http.StatusTooManyRequests {
		t.Fatalf("a second registration within the minute: %d %s, want 429", status, body)
	}
}

// ACCT-AUTOJOIN-01: under a policy whose auto_join names a hosted group,
// a new account is a member of it from its registration.
func TestAutoJoinAtRegistration(t *testing.T) {
	l, op := operatorLab(t)
	alice := l.newUser("alice#a.test")
	l.must(http.StatusCreated)(l.call(alice, "a.test", "POST", "/emsg/v1/groups", map[string]any{"name": "Lobby", "local": "lobby"}))
	policy := []byte(`{"registration":"open","auto_join":["lobby#a.test"],"max_ttl":3600,"default_ttl":60,"rate_limits":{}}`)
	l.must(http.StatusOK)(l.operate(op, "PUT", "/emsg/v1/admin/policy", policy))
	status, body := l.operate(op, "PUT", "/emsg/v1/admin/policy", []byte(`{"registration":"open","auto_join":["nope#a.test"],"max_ttl":3600,"default_ttl":60,"rate_limits":{}}`))
	if status != http.StatusNotFound {
		t.Fatalf("auto_join of a group not hosted: %d %s, want 404", status, body)
	}

	bob := l.newUser("bob#a.test")
	var groups struct {
		Groups []struct {
			Address string `json:"address"`
		} `json:"groups"`
	}
	_ = json.Unmarshal(l.must(http.StatusOK)(l.call(bob, "a.test", "GET", "/emsg/v1/groups", nil)), &groups)
	if len(groups.Groups) != 1 || groups.Groups[0].Address != "lobby#a.test" {
		t.Fatalf("bob's groups after registering: %+v, want lobby#a.test", groups)
	}
	var stats struct {
		Groups int `json:"groups"`
	}
	_ = json.Unmarshal(l.must(http.StatusOK)(l.operate(op, "GET", "/emsg/v1/admin/stats", nil)), &stats)
	if stats.Groups != 1 {
		t.Errorf("stats count %d groups, want 1", stats.Groups)
	}
}

// ADMIN-DELETE-01: an operator's deletion tells the account's contacts,
// takes it out of its groups, answers gone for its keys and keeps its
// local part.
func TestOperatorDeletion(t *testing.T) {
	l, op := operatorLab(t)
	alice, bob := l.newUser("alice#a.test"), l.newUser("bob#a.test")
	l.must(http.StatusAccepted)(l.call(alice, "a.test", "POST", "/emsg/v1/contacts/requests", map[string]any{"to": "bob#a.test", "bundle": alice.id.Bundle()}))
	l.must(http.StatusOK)(l.call(bob, "a.test", "POST", "/emsg/v1/contacts/requests/alice%23a.test/accept", map[string]any{"bundle": bob.id.Bundle()}))
	bobStream, _ := l.stream(bob)

	l.must(http.StatusAccepted)(l.operate(op, "DELETE", "/emsg/v1/admin/accounts/alice%23a.test", nil))
	_, ev := l.nextEvent(bobStream, "contact_removed")
	if ev["address"] != "alice#a.test" {
		t.Errorf("bob was told %v", ev)
	}
	if status, body := l.call(bob, "a.test", "GET", "/emsg/v1/keys/alice%23a.test", nil); status != http.StatusGone {
		t.Errorf("keys of the deleted account: %d %s, want 410 gone", status, body)
	}
	status, body := l.call(nil, "a.test", "POST", "/emsg/v1/register", map[string]any{"bundle": identityOf(t, "alice#a.test").Bundle()})
	if status != http.StatusConflict {
		t.Errorf("registering the deleted address again: %d %s, want 409 address_taken", status, body)
	}
}

// Discovery lists admin only when an operator key makes the API usable.
func TestDiscoveryOffersAdminWithAnOperatorKey(t *testing.T) {
	withKey, _ := operatorLab(t)
	without := startLab(t, "a.test")
	for _, tt := range []struct {
		name string
		l    *lab
		want bool
	}{
		{"with an operator key", withKey, true},
		{"without one", without, false},
	} {
		var disc struct {
			Features []string `json:"features"`
		}
		_ = json.Unmarshal(tt.l.must(http.StatusOK)(tt.l.call(nil, "a.test", "GET", "/.well-known/emsg", nil)), &disc)
		if got := slices.Contains(disc.Features, "admin"); got != tt.want {
			t.Errorf("%s: features %v", tt.name, disc.Features)
		}
	}
}
