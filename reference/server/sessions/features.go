package sessions

import (
	"context"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// featureTTL is how long a domain's answer (sessions or not) is believed.
const featureTTL = 5 * time.Minute

// featureWait bounds the discovery fetch an envelope waits for.
const featureWait = 3 * time.Second

// featureCache remembers which domains advertise `sessions`, so that a
// host sends tickets only to peers that take them (DISC-NEGOTIATE-01).
// It is filled before the store operation ([Service.Prepare]) and read
// inside it without waiting.
type featureCache struct {
	fetch Features
	deps  wire.Deps

	mu    sync.Mutex
	known map[string]featureEntry
}

type featureEntry struct {
	sessions bool
	at       time.Time
}

func newFeatureCache(fetch Features, deps wire.Deps) *featureCache {
	return &featureCache{fetch: fetch, deps: deps, known: map[string]featureEntry{}}
}

// refresh fetches domain's features unless a recent answer is cached.
func (c *featureCache) refresh(ctx context.Context, domain string) {
	if c.fetch == nil {
		return
	}
	c.mu.Lock()
	e, ok := c.known[domain]
	c.mu.Unlock()
	if ok && c.deps.Now().Sub(e.at) < featureTTL {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, featureWait)
	defer cancel()
	feats, err := c.fetch(ctx, domain)
	if err != nil {
		slog.Debug("session peer features", "domain", domain, "err", err)
	}
	c.mu.Lock()
	c.known[domain] = featureEntry{sessions: err == nil && slices.Contains(feats, "sessions"), at: c.deps.Now()}
	c.mu.Unlock()
}

// sessions reports whether domain was last seen advertising sessions.
func (c *featureCache) sessions(domain string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.known[domain].sessions
}
