package suites

import (
	"context"
	"encoding/json"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/emsg-project/emsg/conformance/probe"
	"github.com/emsg-project/emsg/reference/protocol/envelope"
	"github.com/emsg-project/emsg/reference/protocol/keys"
	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// Retention is the suite of the retention profile: ttl expiry and
// favorites.
const Retention Suite = "retention"

// minTTL is the shortest ttl the spec allows (TTL-RANGE-01): the expiry
// specs use it so that an envelope is gone within a couple of seconds
// (its second, then the server's sweep).
const minTTL = 1

// expiryTimeout is how long a spec waits for an expiry to show (the ttl,
// the server's sweep, the notification), before the timeout multiplier.
// TTL-DELETE-01 allows a server 60 s; the suite expects the sweep of a
// server meant to be tested to be quicker, as the reference's is (1 s).
const expiryTimeout = 15 * time.Second

// MaxTTL is the limits.max_ttl domain's discovery document advertises.
func (w *World) MaxTTL(ctx context.Context, domain string) int {
	GinkgoHelper()
	r, err := w.P.JSON(ctx, "GET", domain, "/.well-known/emsg", nil, nil)
	Expect(err).NotTo(HaveOccurred())
	var doc struct {
		Limits struct {
			MaxTTL int `json:"max_ttl"`
		} `json:"limits"`
	}
	Expect(r.Decode(&doc)).To(Succeed())
	Expect(doc.Limits.MaxTTL).To(BeNumerically(">", 0), "the discovery document advertises limits.max_ttl")
	return doc.Limits.MaxTTL
}

// sealTTL seals text from a to the bundle with ttl seconds, dated now.
func sealTTL(w *World, from *probe.Account, to keys.Bundle, text string, ttl int) *envelope.Envelope {
	GinkgoHelper()
	env, err := from.SealAt(w.P.Deps, to, text, ttl)
	Expect(err).NotTo(HaveOccurred())
	return env
}

// sealAgo seals an envelope dated ago in the past.
func sealAgo(w *World, from *probe.Account, to keys.Bundle, text string, ttl int, ago time.Duration) *envelope.Envelope {
	GinkgoHelper()
	deps := wire.Deps{Rand: w.P.Deps.Rand, Now: func() time.Time { return time.Now().Add(-ago) }}
	env, err := from.SealAt(deps, to, text, ttl)
	Expect(err).NotTo(HaveOccurred())
	return env
}

// expiryOf is the instant an envelope expires (ts + ttl × 1000).
func expiryOf(env *envelope.Envelope) time.Time {
	return time.UnixMilli(int64(env.TS)).Add(time.Duration(env.TTL) * time.Second)
}

// receiptEvent is a receipt event's receipt.
type receiptEvent struct {
	Receipt struct {
		Kind string `json:"kind"`
		ID   string `json:"id"`
		From string `json:"from"`
		To   string `json:"to"`
	} `json:"receipt"`
}

// expiredEvent is an expired event.
type expiredEvent struct {
	From string `json:"from"`
	ID   string `json:"id"`
}

// envelopeID is the id of an envelope event's envelope ("" otherwise).
func envelopeID(f probe.Frame) string {
	if f.Type != "event" || f.Kind() != "envelope" {
		return ""
	}
	var ev struct {
		Envelope struct {
			ID string `json:"id"`
		} `json:"envelope"`
	}
	_ = json.Unmarshal(f.Event, &ev)
	return ev.Envelope.ID
}

// ExpiredReceipt waits on s for an expired receipt about id (skipping
// other receipts, such as the delivered one) and returns it.
func ExpiredReceipt(ctx context.Context, s *probe.Stream, id string) receiptEvent {
	GinkgoHelper()
	var got receiptEvent
	Eventually(ctx, func() bool {
		for {
			f, ok := s.Poll()
			if !ok {
				return false
			}
			var rc receiptEvent
			if f.Type == "event" && f.Kind() == "receipt" && f.EventInto(&rc) == nil && rc.Receipt.ID == id && rc.Receipt.Kind == "expired" {
				got = rc
				return true
			}
		}
	}).WithTimeout(scale(expiryTimeout)).WithPolling(10*time.Millisecond).Should(BeTrue(), "an expired receipt about %s", id)
	return got
}

// ExpiredEventFor waits on s for the expired event about id, failing the
// spec if the envelope id itself is delivered first (TTL-DELIVER-01).
func ExpiredEventFor(ctx context.Context, s *probe.Stream, id string) expiredEvent {
	GinkgoHelper()
	var got expiredEvent
	var delivered string
	Eventually(ctx, func() bool {
		for {
			f, ok := s.Poll()
			if !ok {
				return false
			}
			if envelopeID(f) == id {
				delivered = string(f.Raw)
			}
			var ev expiredEvent
			if f.Type == "event" && f.Kind() == "expired" && f.EventInto(&ev) == nil && ev.ID == id {
				got = ev
				return true
			}
		}
	}).WithTimeout(scale(expiryTimeout)).WithPolling(10*time.Millisecond).Should(BeTrue(), "an expired event about %s", id)
	Expect(delivered).To(BeEmpty(), "the expired envelope %s was delivered: %s", id, delivered)
	return got
}

// NoEnvelope fails the spec if s delivers the envelope id within the
// quiet period.
func NoEnvelope(ctx context.Context, s *probe.Stream, id string) {
	GinkgoHelper()
	Consistently(ctx, func() string {
		for {
			f, ok := s.Poll()
			if !ok {
				return ""
			}
			if envelopeID(f) == id {
				return string(f.Raw)
			}
		}
	}).WithTimeout(scale(quietPeriod)).WithPolling(20*time.Millisecond).Should(BeEmpty(), "the expired envelope %s is not delivered", id)
}

// untilPast waits, polling, until t has passed.
func untilPast(ctx context.Context, t time.Time) {
	GinkgoHelper()
	Eventually(ctx, func() bool { return time.Now().After(t) }).WithTimeout(scale(expiryTimeout)).WithPolling(5 * time.Millisecond).Should(BeTrue())
}

// favoriteIDs lists the ids of a's favorites.
func favoriteIDs(ctx context.Context, w *World, a *probe.Account) []string {
	GinkgoHelper()
	r := w.Call(ctx, a, "GET", "/emsg/v1/favorites", nil)
	ExpectStatus(r, 200)
	var list struct {
		Favorites []struct {
			ID string `json:"id"`
		} `json:"favorites"`
	}
	Expect(r.Decode(&list)).To(Succeed())
	ids := []string{}
	for _, f := range list.Favorites {
		ids = append(ids, f.ID)
	}
	return ids
}

// putFavorite pins env under id.
func putFavorite(ctx context.Context, w *World, a *probe.Account, id string, env any) *probe.Response {
	GinkgoHelper()
	return w.Call(ctx, a, "PUT", "/emsg/v1/favorites/"+id, env)
}
