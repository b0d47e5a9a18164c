package stream

import (
	"testing"
	"time"

	"github.com/emsg-project/emsg/reference/protocol/address"
)

// STREAM-TOKEN-01: a revoked token closes its streams with 4001 as soon as
// Revalidate is called, and only those.
func TestRevokedTokenClosesItsStreams(t *testing.T) {
	e := newEnv(t, time.Hour, nil)
	e.tokens.add("alice-phone", "alice#a.test")
	laptop := e.open(t, "alice-token", "", 0)
	phone := e.open(t, "alice-phone", "", 0)
	e.tokens.revoke("alice-phone")
	e.hub.Revalidate(alice)
	phone.wantClose(closeTokenGone)
	laptop.sync()
	e.hub.Revalidate(address.MustParse("nobody#a.test")) // no streams: nothing happens
	laptop.sync()
}

// STREAM-TOKEN-01: an expired token (refused by the Authenticator from
// some moment on) closes its stream at the next periodic check.
func TestExpiredTokenClosesItsStream(t *testing.T) {
	e := newEnv(t, 20*time.Millisecond, nil)
	c := e.open(t, "alice-token", "", 0)
	c.sync()
	e.tokens.revoke("alice-token")
	c.wantClose(closeTokenGone)
}

// A credential the Authenticator now gives to another account no longer
// speaks for the stream's account.
func TestTokenOfAnotherAccountCloses(t *testing.T) {
	e := newEnv(t, time.Hour, nil)
	c := e.open(t, "alice-token", "", 0)
	e.tokens.add("alice-token", "bob#a.test")
	e.hub.Revalidate(alice)
	c.wantClose(closeTokenGone)
}
