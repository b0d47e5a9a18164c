package loadgen

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"sync/atomic"
	"time"

	"github.com/emsg-project/emsg/reference/protocol/address"
)

// setup registers and logs in this shard's users, opens every stream, and
// makes the contacts: each pair is one contact request, sent by the shard
// of its initiator and accepted by the shard of its peer when the request
// arrives on the peer's stream (the key exchange of "adding a friend").
// It waits until every request this shard sent was accepted and every
// request it expects was accepted by it, then builds the groups the same
// way ([Runner.makeGroups]) and closes the streams of the users offline
// at time zero.
func (r *Runner) setup(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, r.opts.SetupTimeout)
	defer cancel()
	r.stage.Store("register")
	if err := parallel(ctx, r.users, r.opts.Setup, func(u *simUser) error { return r.registerUser(ctx, u) }); err != nil {
		return fmt.Errorf("load: setup: %w", err)
	}
	r.stage.Store("connect")
	err := parallel(ctx, r.users, r.opts.Setup, func(u *simUser) error {
		u.mu.Lock()
		u.online = true
		u.mu.Unlock()
		return r.connect(ctx, u)
	})
	if err != nil {
		return fmt.Errorf("load: setup: connect: %w", err)
	}
	r.stage.Store("contacts")
	if err := r.makeContacts(ctx); err != nil {
		return fmt.Errorf("load: setup: %w", err)
	}
	r.stage.Store("groups")
	if err := r.makeGroups(ctx); err != nil {
		return fmt.Errorf("load: setup: %w", err)
	}
	for _, u := range r.users {
		if start, _ := r.pop.Flips(u.id); !start {
			u.mu.Lock()
			u.online = false
			u.mu.Unlock()
			r.disconnect(u)
		}
	}
	return nil
}

// registerUser derives u's keys, registers them and logs in.
func (r *Runner) registerUser(ctx context.Context, u *simUser) error {
	id, err := r.pop.Identity(u.id)
	if err != nil {
		return err
	}
	if err := r.cl.register(ctx, id); err != nil {
		r.countError(errorCode(err))
		return fmt.Errorf("register %s: %w", id.Address(), err)
	}
	return r.loginUser(ctx, u)
}

// loginUser logs u in and keeps the token. The caller may hold u.mu only
// if it passes the lock along: loginUser sets the token directly.
func (r *Runner) loginUser(ctx context.Context, u *simUser) error {
	id, err := r.pop.Identity(u.id)
	if err != nil {
		return err
	}
	tok, err := r.cl.login(ctx, id)
	if err != nil {
		r.countError(errorCode(err))
		return fmt.Errorf("login %s: %w", id.Address(), err)
	}
	r.logins.Add(1)
	u.token = tok // the caller holds u.mu, or no other goroutine knows u yet
	return nil
}

// makeContacts sends this shard's contact requests and waits for the
// handshake to complete in both directions.
func (r *Runner) makeContacts(ctx context.Context) error {
	var out, in []([2]UserID)
	for _, e := range r.pop.Edges() {
		if r.opts.Shard.Owns(e[0]) {
			out = append(out, e)
		}
		if r.opts.Shard.Owns(e[1]) {
			in = append(in, e)
		}
	}
	r.expectOut.Store(int64(len(out)))
	r.expectInContacts.Store(int64(len(in)))
	askers := r.askers()
	jobs := make(chan [2]UserID)
	errs := make(chan error, r.opts.Setup)
	for range r.opts.Setup {
		go func() {
			var first error
			for e := range jobs {
				err := r.awaitRegistered(ctx, askers, e[1])
				if err == nil {
					err = r.requestContact(ctx, e[0], e[1])
				}
				if err != nil && first == nil {
					first = err
				}
			}
			errs <- first
		}()
	}
	for _, e := range out {
		jobs <- e
	}
	close(jobs)
	var err error
	for range r.opts.Setup {
		err = errors.Join(err, <-errs)
	}
	if err != nil {
		return err
	}
	done := func() bool {
		return r.contactAccepted.Load() >= int64(len(out)) && r.contactAccepts.Load() >= int64(len(in))
	}
	state := func() string {
		return fmt.Sprintf("%d of %d requests sent were accepted, %d of %d expected requests accepted",
			r.contactAccepted.Load(), len(out), r.contactAccepts.Load(), len(in))
	}
	for !done() {
		// Wait while the counts move; when they stall, ask the servers
		// which of our requests they hold as accepted: an acceptance whose
		// contact_accepted event never reached the stream is counted, and
		// reported, rather than waited for forever.
		last := r.contactAccepted.Load() + r.contactAccepts.Load()
		quiet, cancel := context.WithTimeout(ctx, contactsQuiet)
		_ = r.await(quiet, "contact handshake", func() bool {
			return done() || r.contactAccepted.Load()+r.contactAccepts.Load() != last
		}, state)
		cancel()
		if ctx.Err() != nil {
			return fmt.Errorf("contact handshake: %w (%s)", ctx.Err(), state())
		}
		if !done() && r.contactAccepted.Load()+r.contactAccepts.Load() == last {
			if err := r.checkAccepted(ctx, out); err != nil {
				return err
			}
		}
	}
	return nil
}

// contactsQuiet is how long the handshake counts may stand still before
// the servers are asked.
const contactsQuiet = 20 * time.Second

// checkAccepted asks the servers, for every request this shard sent,
// whether it is accepted, and sets the count to what they say. The
// acceptances with no event on the stream are reported as the error
// contact_accepted_event_missing.
func (r *Runner) checkAccepted(ctx context.Context, out [][2]UserID) error {
	byUser := map[UserID][]UserID{}
	for _, e := range out {
		byUser[e[0]] = append(byUser[e[0]], e[1])
	}
	var accepted atomic.Int64
	var users []*simUser
	for from := range byUser {
		users = append(users, r.byID[from])
	}
	err := parallel(ctx, users, r.opts.Setup, func(u *simUser) error {
		var ans struct {
			Contacts []struct {
				Address string `json:"address"`
				State   string `json:"state"`
			} `json:"contacts"`
		}
		if err := r.cl.do(ctx, r.pop.Domain(u.id), u.tok(), "GET", "/emsg/v1/contacts", nil, &ans); err != nil {
			return fmt.Errorf("contact handshake: check %s: %w", r.pop.Address(u.id), err)
		}
		states := map[string]string{}
		for _, c := range ans.Contacts {
			states[c.Address] = c.State
		}
		for _, p := range byUser[u.id] {
			if states[r.pop.Address(p).String()] == "accepted" {
				accepted.Add(1)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if missing := accepted.Load() - r.contactAccepted.Load(); missing > 0 {
		r.mu.Lock()
		r.res.Errors["contact_accepted_event_missing"] += int(missing)
		r.mu.Unlock()
		r.errorsN.Add(missing)
		r.contactAccepted.Store(accepted.Load())
	}
	return nil
}

// askers returns one of this shard's users on each domain where it has
// any: the accounts [Runner.awaitRegistered] asks with.
func (r *Runner) askers() map[string]*simUser {
	m := map[string]*simUser{}
	for _, u := range r.users {
		if d := r.pop.Domain(u.id); m[d] == nil {
			m[d] = u
		}
	}
	return m
}

// awaitRegistered waits until peer's account exists. Shards start without
// a coordinator, so another shard may still be registering peer when this
// one makes its contacts; and a contact request to a remote address that
// does not exist yet is accepted (202) by the requester's server and
// refused (not_found) by the peer's server only later, over federation,
// where nothing tells the requester: the request stays pending for ever.
// Users of this shard were registered before the contacts began. Others
// are looked up on their own server (GET /keys, a local read there) with
// the token of this shard's user on that domain; with none there, the
// request goes out unchecked.
func (r *Runner) awaitRegistered(ctx context.Context, askers map[string]*simUser, peer UserID) error {
	asker := askers[r.pop.Domain(peer)]
	if r.opts.Shard.Owns(peer) || asker == nil {
		return nil
	}
	path := "/emsg/v1/keys/" + url.PathEscape(r.pop.Address(peer).String())
	var err error
	for delay := 100 * time.Millisecond; ; delay = min(2*delay, 2*time.Second) {
		err = r.cl.do(ctx, r.pop.Domain(peer), asker.tok(), "GET", path, nil, nil)
		if err == nil || !retryable(err) || !sleepUntil(ctx, time.Now().Add(delay)) {
			break
		}
	}
	if err != nil {
		r.countError(errorCode(err))
		return fmt.Errorf("contact request to %s: wait for its registration: %w", r.pop.Address(peer), err)
	}
	return nil
}

// requestContact sends from's contact request to peer. The peer may
// belong to a shard that has not registered it yet (shards start without
// a coordinator), so not_found, network failures and temporary refusals
// are tried again, with backoff, until the setup deadline.
func (r *Runner) requestContact(ctx context.Context, from, peer UserID) error {
	id, err := r.pop.Identity(from)
	if err != nil {
		return err
	}
	u := r.byID[from]
	body := map[string]any{"to": r.pop.Address(peer), "bundle": id.Bundle()}
	for delay := 100 * time.Millisecond; ; delay = min(2*delay, 2*time.Second) {
		err = r.cl.doJSON(ctx, r.pop.Domain(from), u.tok(), "POST", "/emsg/v1/contacts/requests", body, nil)
		if err == nil || !retryable(err) || !sleepUntil(ctx, time.Now().Add(delay)) {
			break
		}
	}
	if err != nil {
		r.countError(errorCode(err))
		return fmt.Errorf("contact request %s → %s: %w", id.Address(), r.pop.Address(peer), err)
	}
	return nil
}

// retryable reports whether a setup call may succeed later.
func retryable(err error) bool {
	var ce *callError
	if !errors.As(err, &ce) {
		return false
	}
	return ce.Code == "not_found" || ce.Code == "network" || ce.Code == "rate_limited" || ce.Status >= 500
}

// contactRequest accepts an incoming request when it comes from one of
// the user's scenario contacts (called from the stream reader).
func (r *Runner) contactRequest(u *simUser, from string) {
	a, err := address.Parse(from)
	peer, ok := r.pop.Lookup(a)
	if err != nil || !ok {
		r.countError("unexpected_contact_request")
		return
	}
	go func() {
		id, err := r.pop.Identity(u.id)
		if err == nil {
			path := "/emsg/v1/contacts/requests/" + url.PathEscape(r.pop.Address(peer).String()) + "/accept"
			err = r.cl.doJSON(r.ctx, r.pop.Domain(u.id), u.tok(), "POST", path, map[string]any{"bundle": id.Bundle()}, nil)
		}
		if err != nil {
			r.countError(errorCode(err))
			return
		}
		r.contactAccepts.Add(1)
	}()
}

// await polls done every 50 ms until it holds or ctx ends.
func (r *Runner) await(ctx context.Context, what string, done func() bool, state func() string) error {
	t := time.NewTicker(50 * time.Millisecond)
	defer t.Stop()
	for !done() {
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s: %w (%s)", what, ctx.Err(), state())
		case <-t.C:
		}
	}
	return nil
}
