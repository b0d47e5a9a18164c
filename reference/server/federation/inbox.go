package federation

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"slices"
	"strings"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/fedsig"
	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/reference/server/config"
	"github.com/emsg-project/emsg/reference/server/httpapi"
	"github.com/emsg-project/emsg/reference/server/policy"
	"github.com/emsg-project/emsg/reference/server/store"
	"github.com/emsg-project/emsg/spec"
)

// txnMemory is how long the answer to a transaction is kept for replays
// (FED-TXN-04: at least 24 hours).
const txnMemory wire.Millis = 24 * 60 * 60 * 1000

// Notifier wakes an account's live streams so that they read the events
// just committed. The stream package provides it.
type Notifier interface{ Notify(address.Address) }

// Kicker wakes the outgoing queue of a destination after items were
// queued for it. [*Outbox] provides it.
type Kicker interface{ Kick(dest string) }

// Inbox receives the transactions other servers push to this one. Create
// it with [NewInbox]; it is safe for concurrent use.
type Inbox struct {
	st       *store.Store
	cfg      config.Config
	deps     wire.Deps
	verifier fedsig.Verifier
	notify   Notifier
	kick     Kicker
	limit    Limiter
	live     *policy.Live      // the operator's policy (max_ttl); nil: the configuration's
	rotated  func(addr string) // a key_rotated item arrived for addr (drops cached chains)
}

// OnKeyRotated makes the inbox call f with the address of every accepted
// key_rotated item ([KeyFetcher.Forget]); call it before serving.
func (in *Inbox) OnKeyRotated(f func(addr string)) { in.rotated = f }

// SetPolicy makes the inbox take max_ttl from the operator's policy
// instead of its configuration; call it before serving.
func (in *Inbox) SetPolicy(l *policy.Live) { in.live = l }

// Limiter bounds the transactions of one origin (a
// [*ratelimit.Limiter]): Allow returns the rate_limited answer to send.
type Limiter interface{ Allow(origin string) error }

// SetLimiter makes the inbox count each authenticated transaction against
// its origin's limit; call it before serving.
func (in *Inbox) SetLimiter(l Limiter) { in.limit = l }

// NewInbox returns the inbox of the server configured by cfg: keys finds
// the origins' published keys (a [*Peers]), notify wakes the streams of
// local accounts that got events, kick wakes the outgoing queue after the
// inbox queued items (delivered receipts). notify and kick may be nil.
func NewInbox(st *store.Store, cfg config.Config, deps wire.Deps, keys fedsig.KeyLookup, notify Notifier, kick Kicker) *Inbox {
	v := fedsig.Verifier{Scheme: fedsig.SchemeFederation, Self: cfg.Domain, Keys: keys}
	return &Inbox{st: st, cfg: cfg, deps: deps, verifier: v, notify: notify, kick: kick}
}

// Routes registers POST /emsg/v1/federation/inbox.
func (in *Inbox) Routes(m *httpapi.Mux) {
	m.Handle(http.MethodPost, InboxPath, in.handle)
}

// handle answers one transaction in the order of the spec: size, the
// signature ([Inbox.authenticate]), the transaction itself
// ([Inbox.parse]), then the items in one store operation ([Inbox.apply]).
func (in *Inbox) handle(w http.ResponseWriter, r *http.Request) {
	answer, err := in.receive(r)
	if err != nil {
		httpapi.WriteError(w, answerOf(err))
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(answer)
}

// receive runs the checks and returns the 200 answer.
func (in *Inbox) receive(r *http.Request) ([]byte, error) {
	body, err := readBody(r)
	if err != nil {
		return nil, err
	}
	p, err := in.authenticate(r, body)
	if err != nil {
		return nil, err
	}
	if in.limit != nil {
		if err := in.limit.Allow(p.Origin); err != nil {
			return nil, err
		}
	}
	t, err := in.parse(r, p, body)
	if err != nil {
		return nil, err
	}
	return in.apply(r.Context(), t)
}

// readBody reads at most [maxTxnBytes]; more is too_large before anything
// else is looked at (FED-TXN-01).
func readBody(r *http.Request) ([]byte, error) {
	body, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, maxTxnBytes))
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		return nil, httpapi.Errorf("too_large", "the transaction exceeds %d bytes", maxTxnBytes)
	case err != nil:
		return nil, httpapi.Errorf("bad_request", "the body could not be read: %v", err)
	}
	return body, nil
}

// authenticate checks the Authorization header: no EMSG-Federation
// header is unauthorized (FED-AUTH-01); then [fedsig.Verifier] checks, in
// the spec's order, that it parses (bad_request, FED-AUTH-07), names this
// server (forbidden, FED-AUTH-02), is on time (unauthorized, FED-AUTH-03),
// names a published key (unauthorized, FED-AUTH-04) and verifies
// (bad_signature, FED-AUTH-05).
func (in *Inbox) authenticate(r *http.Request, body []byte) (fedsig.Params, error) {
	if !slices.ContainsFunc(r.Header.Values("Authorization"), isFederationScheme) {
		return fedsig.Params{}, httpapi.Errorf("unauthorized", "no Authorization header of scheme %s", fedsig.SchemeFederation)
	}
	return in.verifier.VerifyRequest(r.Context(), in.deps.Now(), r, body)
}

// isFederationScheme reports whether an Authorization value names the
// EMSG-Federation scheme (case-insensitive, RFC 9110), parsable or not.
func isFederationScheme(h string) bool {
	scheme, _, _ := strings.Cut(h, " ")
	return strings.EqualFold(scheme, fedsig.SchemeFederation)
}

// parse checks the transaction: JSON, then more items than
// config.MaxTxnItems is too_large before the schema is applied
// (FED-TXN-01), then fed-transaction.json, then origin and destination
// equal to the signature's (bad_request, FED-AUTH-06).
func (in *Inbox) parse(r *http.Request, p fedsig.Params, body []byte) (transaction, error) {
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		return transaction{}, httpapi.Errorf("bad_request", "the body must be application/json")
	}
	var t transaction
	decodeErr := json.Unmarshal(body, &t) // one decode serves the count and the result
	if n := countItems(body, t, decodeErr); n > in.cfg.MaxTxnItems {
		return transaction{}, httpapi.Errorf("too_large", "%d items; this server takes at most %d per transaction", n, in.cfg.MaxTxnItems)
	}
	if err := spec.ValidateJSON("fed-transaction", body); err != nil {
		return transaction{}, httpapi.Errorf("bad_request", "%v", err)
	}
	if decodeErr != nil {
		return transaction{}, httpapi.Errorf("bad_request", "transaction: %v", decodeErr)
	}
	if t.Origin != p.Origin || t.Destination != p.Destination {
		return transaction{}, httpapi.Errorf("bad_request", "the body says %s → %s, the signature %s → %s", t.Origin, t.Destination, p.Origin, p.Destination)
	}
	return t, nil
}

// countItems is how many items body holds, for the size check before the
// schema: those of t when body decoded (decodeErr nil), else those of a
// decode of the items member alone (0 when even that fails).
func countItems(body []byte, t transaction, decodeErr error) int {
	if decodeErr == nil {
		return len(t.Items)
	}
	var probe struct {
		Items []json.RawMessage `json:"items"`
	}
	if json.Unmarshal(body, &probe) != nil {
		return 0
	}
	return len(probe.Items)
}

// effects is what applied items leave for after the commit: accounts
// whose streams have new events and destinations with new queued items.
type effects struct {
	wake []address.Address
	kick []string
}

// apply answers t: the stored answer of a replay (FED-TXN-04), or the
// results of its items, applied and remembered in one store operation, so
// that a crash leaves either everything or nothing and a replay finds the
// answer. Streams and queues are woken after the commit.
func (in *Inbox) apply(ctx context.Context, t transaction) ([]byte, error) {
	now := in.deps.Millis()
	pre := in.precheckAll(t.Origin, t.Items) // outside the store's single writer
	var answer []byte
	var fx effects
	err := in.st.Update(ctx, func(tx *store.Tx) error {
		answer, fx = nil, effects{}
		prev, replay, err := tx.TxnResult(t.Origin, t.Txn)
		if err != nil || replay {
			answer = prev
			return err
		}
		rs := make([]Result, len(t.Items))
		for i, raw := range t.Items {
			if rs[i], err = in.item(tx, i, raw, pre[i], now, &fx); err != nil {
				return err
			}
		}
		if answer, err = json.Marshal(results{Results: rs}); err != nil {
			return err
		}
		return tx.PutTxnResult(t.Origin, t.Txn, answer, now+txnMemory)
	})
	if err != nil {
		return nil, err
	}
	in.wake(fx)
	return answer, nil
}

// wake notifies each account and kicks each destination once.
func (in *Inbox) wake(fx effects) {
	for i, a := range fx.wake {
		if in.notify != nil && slices.Index(fx.wake, a) == i {
			in.notify.Notify(a)
		}
	}
	for i, d := range fx.kick {
		if in.kick != nil && slices.Index(fx.kick, d) == i {
			in.kick.Kick(d)
		}
	}
}

// busyRetryAfter is the Retry-After, in seconds, of the inbox's
// unavailable answers: the origin comes back then rather than backing off
// on its own (ERR-UNAVAILABLE-01, FED-QUEUE-04).
const busyRetryAfter = 1

// answerOf is the error answer for err: a closed store or a caller that
// gave up is unavailable with a Retry-After (the origin retries), the rest
// as [httpapi.AsError] maps it.
func answerOf(err error) *httpapi.Error {
	if errors.Is(err, store.ErrClosed) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		e := httpapi.Errorf("unavailable", "the server is shutting down or busy; retry the transaction")
		e.Wait = busyRetryAfter
		return e
	}
	return httpapi.AsError(err)
}
