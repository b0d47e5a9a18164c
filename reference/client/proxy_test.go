package client

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/emsg-project/emsg/reference/protocol/keys"
	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/reference/resolve"
)

// proxy stands between clients and a.test's server: it records request
// bodies, can replace answers, and can drop a connection after the
// server answered.
type proxy struct {
	mu      sync.Mutex
	bodies  map[string][][]byte                   // by "METHOD path"
	answer  map[string]func(*http.Response) error // rewrites, by "METHOD path"
	dropOne map[string]bool                       // drop the next answer, by "METHOD path"
	table   resolve.Table                         // reaches the proxy as a.test
}

// startProxy runs a proxy in front of a.test of lab.
func startProxy(t *testing.T, lab resolve.Table) *proxy {
	t.Helper()
	p := &proxy{bodies: map[string][][]byte{}, answer: map[string]func(*http.Response) error{}, dropOne: map[string]bool{}}
	target, err := url.Parse("http://a.test")
	if err != nil {
		t.Fatal(err)
	}
	rp := httputil.NewSingleHostReverseProxy(target)
	rp.Transport = lab.Transport(nil)
	rp.ModifyResponse = func(resp *http.Response) error {
		p.mu.Lock()
		rewrite := p.answer[key(resp.Request)]
		p.mu.Unlock()
		if rewrite != nil {
			return rewrite(resp)
		}
		return nil
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		p.mu.Lock()
		p.bodies[key(r)] = append(p.bodies[key(r)], body)
		drop := p.dropOne[key(r)]
		delete(p.dropOne, key(r))
		p.mu.Unlock()
		if drop {
			rp.ServeHTTP(httptest.NewRecorder(), r) // the server does the work; its answer is lost
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				conn.Close()
			}
			return
		}
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	p.table, err = resolve.Table{}.With("a.test", strings.TrimPrefix(srv.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func key(r *http.Request) string { return r.Method + " " + r.URL.EscapedPath() }

// rewriteWith replaces an answer's body.
func rewriteWith(body []byte) func(*http.Response) error {
	return func(resp *http.Response) error {
		resp.Body = io.NopCloser(bytes.NewReader(body))
		resp.ContentLength = int64(len(body))
		resp.Header.Del("Content-Length")
		return nil
	}
}

// TestSendRetriesTheSameEnvelope: an answer lost after the server stored
// the message makes the client send the very same envelope again, and the
// recipient sees one message (MSG-ID-01).
func TestSendRetriesTheSameEnvelope(t *testing.T) {
	lab := startLab(t)
	p := startProxy(t, lab)
	alice := registered(t, p.table, "alice#a.test", WithRetry(3, 0))
	bob := registered(t, lab, "bob#a.test")
	aliceL, bobL := listen(t, alice), listen(t, bob)
	befriendWith(t, alice, bob, aliceL)

	p.mu.Lock()
	p.dropOne["POST /emsg/v1/messages"] = true
	p.mu.Unlock()
	sent, err := alice.Send(bounded(t), bob.Address(), "once")
	if err != nil {
		t.Fatalf("send with a lost answer: %v", err)
	}
	p.mu.Lock()
	posts := p.bodies["POST /emsg/v1/messages"]
	p.mu.Unlock()
	if len(posts) != 2 || !bytes.Equal(posts[0], posts[1]) {
		t.Fatalf("%d posts, want 2 with the same envelope", len(posts))
	}
	if got := bobL.nextMessage(t); got.ID != sent.ID {
		t.Fatalf("Bob got %s, want %s", got.ID, sent.ID)
	}
	if _, err := alice.Send(bounded(t), bob.Address(), "twice"); err != nil {
		t.Fatal(err)
	}
	if got := bobL.nextMessage(t); got.Text != "twice" {
		t.Fatalf("after the retried message Bob got %q, want the next one (no duplicate)", got.Text)
	}

	// No request carried a private key (CLIENT-KEY-01).
	pk, _ := LoadIdentity(alice.dir)
	secrets := []wire.Bytes{pk.PrivateKeys().SignSeed, pk.PrivateKeys().BoxKey}
	p.mu.Lock()
	defer p.mu.Unlock()
	for path, bodies := range p.bodies {
		for _, body := range bodies {
			for _, s := range secrets {
				if bytes.Contains(body, []byte(wire.EncodeBytes(s))) {
					t.Fatalf("%s carried a private key", path)
				}
			}
		}
	}
}

// befriendWith: a asks b, b accepts, a's listener hears of it.
func befriendWith(t *testing.T, a, b *Client, aListens *listener) {
	t.Helper()
	if err := a.RequestContact(bounded(t), b.Address(), ""); err != nil {
		t.Fatal(err)
	}
	befriendAccept(t, b, a, aListens)
}

// TestKeyChangesFromTheServer: keys fetched with GET /keys are adopted
// when they chain from those held (a real rotation) and flagged, never
// used, when the server substitutes or alters them (CLIENT-KEY-03).
func TestKeyChangesFromTheServer(t *testing.T) {
	lab := startLab(t)
	p := startProxy(t, lab)
	alice := registered(t, p.table, "alice#a.test")
	bob := registered(t, lab, "bob#a.test")
	aliceListens := listen(t, alice)
	befriendWith(t, alice, bob, aliceListens)
	// Alice stops listening: the server now pushes Bob's rotation as a
	// key_rotated event (KEY-ROTATE-01), which would adopt it before this
	// test offers its forgeries by GET /keys.
	aliceListens.stop(t)
	ctx := bounded(t)
	keysPath := "GET /emsg/v1/keys/bob%23a.test"

	// Bob rotates his keys at the server (his client has no rotation yet:
	// the test uploads the bundle with his token).
	bobID, err := LoadIdentity(bob.dir)
	if err != nil {
		t.Fatal(err)
	}
	rotated, err := bobID.Rotate(testDeps(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := bob.authed(ctx, "PUT", "/emsg/v1/keys", rotated.Bundle(), nil); err != nil {
		t.Fatalf("rotate Bob's keys: %v", err)
	}
	eve, err := keys.NewIdentity(testDeps(t), bob.Address())
	if err != nil {
		t.Fatal(err)
	}
	chain := func(bs ...keys.Bundle) []byte {
		raw, _ := json.Marshal(map[string]any{"bundles": rawBundles(t, bs...)})
		return raw
	}
	swapped := replaceBox(t, rawBundles(t, rotated.Bundle())[0], eve.Bundle().BoxKey)
	swappedChain, _ := json.Marshal(map[string]any{"bundles": []json.RawMessage{rawBundles(t, bobID.Bundle())[0], swapped}})

	tests := []struct {
		name    string
		answer  []byte // what the proxy answers instead of the server; nil: the server's
		refused bool
	}{
		// sad path first, while Alice holds only Bob's first bundle
		{"the server substitutes someone else's keys", chain(eve.Bundle()), true},
		{"the server appends a bundle that does not chain", chain(bobID.Bundle(), eve.Bundle()), true},
		{"the server swaps the box key of the rotated bundle", swappedChain, true},
		// happy path
		{"the real rotation chains from the key held", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p.mu.Lock()
			delete(p.answer, keysPath)
			if tt.answer != nil {
				p.answer[keysPath] = rewriteWith(tt.answer)
			}
			p.mu.Unlock()
			err := alice.RefreshKeys(ctx, bob.Address())
			ct, _, _ := alice.Contact(bob.Address())
			newest, _ := ct.Bundle()
			if tt.refused {
				if !errors.Is(err, ErrKeyChange) || ct.Warning == nil || !same(newest, bobID.Bundle()) {
					t.Fatalf("RefreshKeys: %v; contact keeps %d bundles, warning %v: want refused, flagged, old keys in use", err, len(ct.Chain), ct.Warning)
				}
				return
			}
			if err != nil || ct.Warning != nil || !same(newest, rotated.Bundle()) || len(ct.Chain) != 2 {
				t.Fatalf("RefreshKeys: %v; want the rotated bundle adopted and the warning cleared", err)
			}
		})
	}
}
