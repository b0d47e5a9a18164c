package federation

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/fedsig"
	"github.com/emsg-project/emsg/reference/protocol/keys"
	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/reference/server/httpapi"
	"github.com/emsg-project/emsg/spec"
)

// Key chain cache bounds: a fetched chain answers for [KeyCacheTTL] (the
// spec lets a server cache it; a short life bounds how long a rotation
// stays unseen, and a key_rotated item ends it at once), and at most
// [keyCacheSize] chains are kept.
const (
	KeyCacheTTL  = time.Minute
	keyCacheSize = 4096
)

// maxChainBytes bounds a peer's key chain answer (the federation body
// limit).
const maxChainBytes = 1 << 20

// KeyFetcher fetches the key chains of remote accounts from their servers
// (KEY-FETCH-01): a signed GET /emsg/v1/federation/keys/{address}, every
// bundle and chain link verified before the chain is believed. Build it
// with [NewKeyFetcher]; it is safe for concurrent use.
type KeyFetcher struct {
	peers *Peers
	key   fedsig.ServerKey
	self  string
	deps  wire.Deps

	mu    sync.Mutex
	cache map[string]cachedChain
}

type cachedChain struct {
	chain   [][]byte
	fetched time.Time
}

// NewKeyFetcher returns a fetcher that signs as self with key and reaches
// peers through peers.
func NewKeyFetcher(peers *Peers, key fedsig.ServerKey, self string, deps wire.Deps) *KeyFetcher {
	return &KeyFetcher{peers: peers, key: key, self: self, deps: deps, cache: map[string]cachedChain{}}
}

// FetchChain returns the key chain of the remote address addr, oldest
// first, from the cache or its server. The server's not_found, gone and
// moved answers come back as they are; anything else that fails — the
// server unreachable, an answer that breaks the spec, a bundle or link
// that does not verify — is unavailable (KEY-FETCH-04).
func (f *KeyFetcher) FetchChain(ctx context.Context, addr address.Address) ([][]byte, error) {
	if chain, ok := f.cached(addr.String()); ok {
		return chain, nil
	}
	chain, err := f.fetch(ctx, addr)
	if err != nil {
		var e *httpapi.Error
		if errors.As(err, &e) && (e.Code == "not_found" || e.Code == "gone" || e.Code == "moved") {
			return nil, e
		}
		return nil, httpapi.Errorf("unavailable", "the keys of %s could not be fetched from %s: %v", addr, addr.Domain, err)
	}
	f.remember(addr.String(), chain)
	return chain, nil
}

// Forget drops the cached chain of addr (after a key_rotated item).
func (f *KeyFetcher) Forget(addr string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.cache, addr)
}

func (f *KeyFetcher) cached(addr string) ([][]byte, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	c, ok := f.cache[addr]
	if !ok || f.deps.Now().Sub(c.fetched) >= KeyCacheTTL {
		return nil, false
	}
	return c.chain, true
}

func (f *KeyFetcher) remember(addr string, chain [][]byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.cache) >= keyCacheSize {
		clear(f.cache) // crude but bounded: the cache only saves round trips
	}
	f.cache[addr] = cachedChain{chain: chain, fetched: f.deps.Now()}
}

// fetch asks addr's server for the chain and verifies it.
func (f *KeyFetcher) fetch(ctx context.Context, addr address.Address) ([][]byte, error) {
	status, body, err := f.get(ctx, addr)
	if err != nil {
		return nil, err
	}
	switch status {
	case http.StatusOK:
		return verifiedChain(addr, body)
	case http.StatusNotFound, http.StatusGone:
		var e httpapi.Error
		if json.Unmarshal(body, &e) == nil && (e.Code == "not_found" || e.Code == "gone" || e.Code == "moved") {
			return nil, &e
		}
	}
	return nil, fmt.Errorf("answered %d: %.200s", status, body)
}

// get sends the signed request and reads the answer.
func (f *KeyFetcher) get(ctx context.Context, addr address.Address) (int, []byte, error) {
	u, err := f.peers.url(addr.Domain, KeysPath+url.PathEscape(addr.String()))
	if err != nil {
		return 0, nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, fetchTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return 0, nil, err
	}
	if err := fedsig.SignRequest(f.deps, f.key, f.self, addr.Domain, req, nil); err != nil {
		return 0, nil, err
	}
	resp, err := f.peers.client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxChainBytes+1))
	if err != nil {
		return 0, nil, err
	}
	if len(body) > maxChainBytes {
		return 0, nil, fmt.Errorf("the answer exceeds %d bytes", maxChainBytes)
	}
	return resp.StatusCode, body, nil
}

// verifiedChain checks a 200 answer: key-chain.json, every bundle for
// addr, every signature and chain link (KEY-FETCH-01).
func verifiedChain(addr address.Address, body []byte) ([][]byte, error) {
	if err := spec.ValidateJSON("key-chain", body); err != nil {
		return nil, err
	}
	var kc struct {
		Bundles []json.RawMessage `json:"bundles"`
	}
	if err := json.Unmarshal(body, &kc); err != nil {
		return nil, err
	}
	bundles := make([]keys.Bundle, len(kc.Bundles))
	chain := make([][]byte, len(kc.Bundles))
	for i, raw := range kc.Bundles {
		b, err := keys.ParseBundle(raw)
		if err != nil {
			return nil, fmt.Errorf("bundle %d: %w", i, err)
		}
		if b.Address != addr {
			return nil, fmt.Errorf("bundle %d is for %s, not %s", i, b.Address, addr)
		}
		bundles[i], chain[i] = b, raw
	}
	if err := keys.VerifyChain(bundles); err != nil {
		return nil, err
	}
	return chain, nil
}
