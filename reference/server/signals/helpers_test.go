package signals

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/fedsig"
	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/reference/server/config"
	"github.com/emsg-project/emsg/reference/server/httpapi"
	"github.com/emsg-project/emsg/reference/server/store"
	"github.com/emsg-project/emsg/spec"
)

var testNow = time.UnixMilli(1_700_000_000_000)

// pushed records the signals pushed to each account.
type pushed struct {
	mu  sync.Mutex
	got map[string][]string
}

func (p *pushed) PushSignal(a address.Address, raw []byte) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.got[a.String()] = append(p.got[a.String()], string(raw))
}

func (p *pushed) take(addr string) []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := p.got[addr]
	delete(p.got, addr)
	return out
}

// forwarded records the federated signals sent.
type forwarded struct {
	mu   sync.Mutex
	sent []string // "dest body"
	done chan struct{}
}

func (f *forwarded) Do(_ context.Context, _, dest, _ string, body []byte) (int, []byte, error) {
	f.mu.Lock()
	f.sent = append(f.sent, dest+" "+string(body))
	f.mu.Unlock()
	f.done <- struct{}{}
	return http.StatusAccepted, nil, nil
}

// world is a.test's signals service with fake parts.
type world struct {
	t    *testing.T
	st   *store.Store
	svc  *Service
	mux  *httpapi.Mux
	push *pushed
	fwd  *forwarded
	bKey fedsig.ServerKey // b.test's server key
}

func bearerAuth(r *http.Request) (address.Address, error) {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		return address.Address{}, httpapi.Errorf("unauthorized", "no bearer token")
	}
	return address.ParseCanonical(tok)
}

func newWorld(t *testing.T) *world {
	t.Helper()
	st, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	w := &world{t: t, st: st, push: &pushed{got: map[string][]string{}}, fwd: &forwarded{done: make(chan struct{}, 16)}}
	w.bKey, _ = fedsig.NewServerKey(wire.Seeded("b key", testNow), "ed25519:k1")
	cfg := config.Defaults()
	cfg.Domain = "a.test"
	w.svc = New(st, cfg, wire.Seeded("signals", testNow), Parts{
		Auth: bearerAuth, Push: w.push, Forward: w.fwd.Do,
		Features: func(context.Context, string) ([]string, error) { return []string{"core", "signals"}, nil },
		Keys:     fedsig.StaticKeys{}.Add("b.test", w.bKey),
	})
	w.mux = httpapi.NewMux()
	w.svc.Routes(w.mux)
	for _, a := range []string{"alice#a.test", "dan#a.test", "quiet#a.test"} {
		w.account(a, a != "quiet#a.test")
	}
	w.befriend("alice#a.test", "bob#b.test")
	w.befriend("alice#a.test", "dan#a.test")
	w.befriend("alice#a.test", "quiet#a.test")
	return w
}

// account creates a local account; on sets typing and presence.
func (w *world) account(addr string, on bool) {
	w.update(func(tx *store.Tx) error {
		return tx.PutAccount(store.Account{Address: addr, State: store.StateActive, Created: 1,
			Settings: store.Settings{AcceptRequests: true, TTL: 3600, Typing: on, Presence: on}})
	})
}

// befriend makes a and b accepted contacts (on the local sides).
func (w *world) befriend(a, b string) {
	w.update(func(tx *store.Tx) error {
		for _, pair := range [][2]string{{a, b}, {b, a}} {
			if strings.HasSuffix(pair[0], "#a.test") {
				if err := tx.PutContact(pair[0], store.Contact{Address: pair[1], State: store.ContactAccepted, Updated: 1}); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

func (w *world) update(op func(*store.Tx) error) {
	w.t.Helper()
	if err := w.st.Update(context.Background(), op); err != nil {
		w.t.Fatal(err)
	}
}

// do sends a request to the service and checks the exchange against api.
func (w *world) do(api spec.API, path string, header http.Header, body []byte) (int, []byte, http.Header) {
	w.t.Helper()
	newReq := func() *http.Request {
		r := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body))
		r.Host = "a.test"
		r.Header.Set("Content-Type", "application/json")
		for k, v := range header {
			r.Header[k] = v
		}
		return r
	}
	rec := httptest.NewRecorder()
	w.mux.ServeHTTP(rec, newReq())
	resp := rec.Result()
	out, _ := io.ReadAll(resp.Body)
	err := spec.ValidateExchange(api, newReq(), body, resp, out)
	var xe *spec.ExchangeError
	if errors.As(err, &xe) && xe.Phase == spec.PhaseRequest {
		err = nil // a request broken on purpose; its answer is checked by the test
		if err := spec.ValidateJSON("error", out); err != nil && resp.StatusCode >= 400 {
			w.t.Errorf("the error answer breaks error.json: %v", err)
		}
	}
	if err != nil {
		w.t.Errorf("POST %s: the exchange breaks the spec: %v\n%s", path, err, out)
	}
	return resp.StatusCode, out, resp.Header
}

// signedHeader signs a federation request from origin with key.
func signedHeader(t *testing.T, key fedsig.ServerKey, origin string, body []byte) http.Header {
	t.Helper()
	h, err := fedsig.Sign(wire.Seeded("sign", testNow), key, http.MethodPost, FederationPath, origin, "a.test", body)
	if err != nil {
		t.Fatal(err)
	}
	return http.Header{"Authorization": {h}}
}

func codeOf(body []byte) string {
	var e struct {
		Error string `json:"error"`
	}
	json.Unmarshal(body, &e)
	return e.Error
}
