package federation

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/emsg-project/emsg/reference/protocol/fedsig"
	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/reference/resolve"
	"github.com/emsg-project/emsg/spec"
)

// Cache bounds of DISC-CACHE-01: a peer's discovery document is used for at
// most [DiscoveryTTL], and a request naming a key the cached document does
// not list refetches it at most once per [RefetchInterval].
const (
	DiscoveryTTL    = time.Hour
	RefetchInterval = time.Minute
)

// maxDiscoveryBytes bounds a peer's discovery document.
const maxDiscoveryBytes = 64 << 10

// fetchTimeout bounds one discovery fetch.
const fetchTimeout = 10 * time.Second

// Discovery is the part of a peer's discovery document (discovery.json)
// federation uses.
type Discovery struct {
	Domain     string            `json:"domain"`
	Versions   []string          `json:"versions"`
	Features   []string          `json:"features"`
	ServerKeys map[string]string `json:"server_keys"`
	Limits     struct {
		MaxEnvelopeBytes int `json:"max_envelope_bytes"`
		MaxTTL           int `json:"max_ttl"`
		DefaultTTL       int `json:"default_ttl"`
		MaxTxnItems      int `json:"max_txn_items"`
	} `json:"limits"`
	Registration string `json:"registration"`
}

// Peers is this server's view of the other servers: their discovery
// documents, fetched from GET /.well-known/emsg through the resolver table
// (plain HTTP for a mapped domain, HTTPS otherwise) and cached. It is the
// inbox's [fedsig.KeyLookup] and gives the outbox each destination's
// limits. Create it with [NewPeers]; it is safe for concurrent use.
type Peers struct {
	table  resolve.Table
	client *http.Client
	deps   wire.Deps

	mu   sync.Mutex
	docs map[string]*peer
}

// peer is the cache entry of one domain. Its mutex serialises fetches, so
// that concurrent lookups of one domain wait for a single request.
type peer struct {
	mu      sync.Mutex
	doc     *Discovery
	fetched time.Time
}

// NewPeers returns an empty cache that fetches with client (use
// table.Client(nil), which honours the table and refuses redirects) and
// reads the time from deps.
func NewPeers(table resolve.Table, client *http.Client, deps wire.Deps) *Peers {
	return &Peers{table: table, client: client, deps: deps, docs: map[string]*peer{}}
}

// Compile-time check: Peers finds origins' keys for [fedsig.Verifier].
var _ fedsig.KeyLookup = (*Peers)(nil)

// Discovery returns the discovery document of domain, from the cache while
// it is younger than [DiscoveryTTL], fetched otherwise.
func (p *Peers) Discovery(ctx context.Context, domain string) (*Discovery, error) {
	e := p.entry(domain)
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.doc != nil && p.deps.Now().Sub(e.fetched) < DiscoveryTTL {
		return e.doc, nil
	}
	return p.refresh(ctx, e, domain)
}

// ServerKey returns the public key origin publishes under id, or nil when
// it publishes none. A key the cached document does not list triggers one
// refetch, at most once per [RefetchInterval] (a peer that just rotated its
// key is believed within a minute; a forger naming random ids cannot make
// this server hammer the peer).
func (p *Peers) ServerKey(ctx context.Context, origin, id string) (ed25519.PublicKey, error) {
	doc, err := p.Discovery(ctx, origin)
	if err != nil {
		return nil, err
	}
	if _, ok := doc.ServerKeys[id]; !ok {
		if doc, err = p.refetchForKey(ctx, origin); err != nil {
			return nil, err
		}
	}
	enc, ok := doc.ServerKeys[id]
	if !ok {
		return nil, nil
	}
	pub, err := wire.DecodeBytes(enc)
	if err != nil {
		return nil, fmt.Errorf("server key %s of %s: %w", id, origin, err)
	}
	return ed25519.PublicKey(pub), nil
}

// MaxTxnItems returns the most items domain accepts in one transaction
// (its limits.max_txn_items).
func (p *Peers) MaxTxnItems(ctx context.Context, domain string) (int, error) {
	doc, err := p.Discovery(ctx, domain)
	if err != nil {
		return 0, err
	}
	return doc.Limits.MaxTxnItems, nil
}

// refetchForKey refetches origin's document unless it was fetched less
// than [RefetchInterval] ago, and returns the document then held.
func (p *Peers) refetchForKey(ctx context.Context, origin string) (*Discovery, error) {
	e := p.entry(origin)
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.doc != nil && p.deps.Now().Sub(e.fetched) < RefetchInterval {
		return e.doc, nil
	}
	return p.refresh(ctx, e, origin)
}

// entry returns the cache entry of domain, creating it.
func (p *Peers) entry(domain string) *peer {
	p.mu.Lock()
	defer p.mu.Unlock()
	e, ok := p.docs[domain]
	if !ok {
		e = &peer{}
		p.docs[domain] = e
	}
	return e
}

// refresh fetches domain's document into e; e.mu is held.
func (p *Peers) refresh(ctx context.Context, e *peer, domain string) (*Discovery, error) {
	doc, err := p.fetch(ctx, domain)
	if err != nil {
		return nil, err
	}
	e.doc, e.fetched = doc, p.deps.Now()
	return doc, nil
}

// fetch gets and checks the discovery document of domain: status 200, at
// most 64 KiB, valid against discovery.json, and naming domain itself
// (DISC-DOMAIN-01).
func (p *Peers) fetch(ctx context.Context, domain string) (*Discovery, error) {
	u, err := p.table.URL(domain, "/.well-known/emsg")
	if err != nil {
		return nil, fmt.Errorf("discovery of %s: %w", domain, err)
	}
	ctx, cancel := context.WithTimeout(ctx, fetchTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, fmt.Errorf("discovery of %s: %w", domain, err)
	}
	resp, err := p.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("discovery of %s: %w", domain, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxDiscoveryBytes+1))
	if err != nil {
		return nil, fmt.Errorf("discovery of %s: read: %w", domain, err)
	}
	return parseDiscovery(domain, resp.StatusCode, body)
}

// errBadDiscovery marks a discovery answer that cannot be used.
var errBadDiscovery = errors.New("unusable discovery document")

// parseDiscovery checks one discovery answer of domain.
func parseDiscovery(domain string, status int, body []byte) (*Discovery, error) {
	switch {
	case status != http.StatusOK:
		return nil, fmt.Errorf("discovery of %s: %w: status %d", domain, errBadDiscovery, status)
	case len(body) > maxDiscoveryBytes:
		return nil, fmt.Errorf("discovery of %s: %w: more than %d bytes", domain, errBadDiscovery, maxDiscoveryBytes)
	}
	if err := spec.ValidateJSON("discovery", body); err != nil {
		return nil, fmt.Errorf("discovery of %s: %w: %w", domain, errBadDiscovery, err)
	}
	var doc Discovery
	if err := json.Unmarshal(body, &doc); err != nil {
		return nil, fmt.Errorf("discovery of %s: %w: %w", domain, errBadDiscovery, err)
	}
	if doc.Domain != domain {
		return nil, fmt.Errorf("discovery of %s: %w: it names %q", domain, errBadDiscovery, doc.Domain)
	}
	return &doc, nil
}

// url returns the URL of path on domain's server.
func (p *Peers) url(domain, path string) (string, error) { return p.table.URL(domain, path) }
