package server

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/emsg-project/emsg/reference/protocol/keys"
	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/spec"
)

// getKeys sends GET /emsg/v1/keys/{addr} to u's server, checks the
// exchange against client.yaml and returns the status, the error code and
// the number of bundles.
func (l *lab) getKeys(u *user, addr string) (status int, code string, bundles int) {
	l.t.Helper()
	domain := u.addr().Domain
	url, err := l.table.URL(domain, "/emsg/v1/keys/"+escapeAddress(addr))
	if err != nil {
		l.t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("Authorization", "Bearer "+u.token)
	resp, err := l.client.Do(req)
	if err != nil {
		l.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if err := spec.ValidateExchange(spec.ClientAPI, req, nil, resp, body); err != nil {
		l.t.Errorf("GET keys of %s: the answer breaks the spec: %v\n%s", addr, err, body)
	}
	var out struct {
		Error   string            `json:"error"`
		Bundles []json.RawMessage `json:"bundles"`
	}
	_ = json.Unmarshal(body, &out)
	return resp.StatusCode, out.Error, len(out.Bundles)
}

// escapeAddress sends the # of an address as %23.
func escapeAddress(a string) string {
	out := []byte{}
	for i := range len(a) {
		if a[i] == '#' {
			out = append(out, "%23"...)
			continue
		}
		out = append(out, a[i])
	}
	return string(out)
}

// befriend makes a and b accepted contacts (a asks, b accepts) and
// returns when a's server has the acceptance too.
func (l *lab) befriend(a, b *user) {
	l.t.Helper()
	aStream, _ := l.stream(a)
	defer aStream.Close()
	l.must(http.StatusAccepted)(l.call(a, a.addr().Domain, "POST", "/emsg/v1/contacts/requests",
		map[string]any{"to": b.addr().String(), "bundle": a.id.Bundle()}))
	deadline := time.Now().Add(5 * time.Second)
	for {
		status, body := l.call(b, b.addr().Domain, "POST", "/emsg/v1/contacts/requests/"+escapeAddress(a.addr().String())+"/accept",
			map[string]any{"bundle": b.id.Bundle()})
		if status == http.StatusOK {
			for { // earlier acceptances replay first: wait for b's
				_, ev := l.nextEvent(aStream, "contact_accepted")
				if raw, _ := json.Marshal(ev); strings.Contains(string(raw), `"`+b.addr().String()+`"`) {
					return
				}
			}
		}
		if time.Now().After(deadline) { // a cross-domain request may still be on its way
			l.t.Fatalf("%s cannot accept %s: %d %s", b.addr(), a.addr(), status, body)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// KEY-FETCH-01, -02, -04: GET /keys of a remote address is fetched over
// federation and verified; a missing account is not_found; a server that
// cannot be reached is unavailable.
func TestKeysAreFetchedAcrossFederation(t *testing.T) {
	l := startLab(t, "a.test", "b.test")
	alice, bob := l.newUser("alice#a.test"), l.newUser("bob#b.test")
	for _, tt := range []struct {
		name    string
		addr    string
		status  int
		code    string
		bundles int
	}{
		// A remote account: its chain, fetched from a.test.
		{"remote account", "alice#a.test", 200, "", 1},
		// Case folded in the path (ADDR-CASE-01).
		{"remote account in capitals", "ALICE#A.TEST", 200, "", 1},
		// The remote server has no such account.
		{"no remote account", "nobody#a.test", 404, "not_found", 0},
		// A domain nobody can reach.
		{"unreachable server", "carol#c.test", 503, "unavailable", 0},
		// A local account still works.
		{"local account", "bob#b.test", 200, "", 1},
	} {
		status, code, n := l.getKeys(bob, tt.addr)
		if status != tt.status || code != tt.code || n != tt.bundles {
			t.Errorf("%s: got %d %q with %d bundles, want %d %q with %d", tt.name, status, code, n, tt.status, tt.code, tt.bundles)
		}
	}
	_ = alice
}

// KEY-ROTATE-01, -02: a rotation reaches every accepted contact as a
// key_rotated event, locally and through federation, and the remote
// server's next fetch returns the longer chain.
func TestRotationIsAnnouncedToContacts(t *testing.T) {
	l := startLab(t, "a.test", "b.test")
	alice, carol, bob := l.newUser("alice#a.test"), l.newUser("carol#a.test"), l.newUser("bob#b.test")
	l.befriend(alice, carol)
	l.befriend(alice, bob)
	if status, _, n := l.getKeys(bob, "alice#a.test"); status != 200 || n != 1 {
		t.Fatalf("before the rotation: %d, %d bundles", status, n)
	}
	carolStream, _ := l.stream(carol)
	bobStream, _ := l.stream(bob)

	rotated, err := alice.id.Rotate(wire.Seeded("e2e/rotate", time.Now().Add(time.Second)))
	if err != nil {
		t.Fatal(err)
	}
	l.must(http.StatusOK)(l.call(alice, "a.test", "PUT", "/emsg/v1/keys", rotated.Bundle()))
	for name, conn := range map[string]any{"carol (local)": carolStream, "bob (remote)": bobStream} {
		_, ev := l.nextEvent(conn.(*websocket.Conn), "key_rotated")
		raw, _ := json.Marshal(ev["bundle"])
		b, err := keys.ParseBundle(raw)
		if err != nil || ev["address"] != "alice#a.test" || b.Prev == nil {
			t.Errorf("%s got %v (%v), want alice's new bundle", name, ev, err)
		}
	}
	if status, _, n := l.getKeys(bob, "alice#a.test"); status != 200 || n != 2 {
		t.Fatalf("after the rotation, b.test answers %d with %d bundles, want 2 (the cache is dropped by key_rotated)", status, n)
	}
}
