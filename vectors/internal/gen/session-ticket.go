package main

import (
	"strings"

	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/vectors"
)

// session is a ticket and the peer's auth proof for it, before signing.
type session struct {
	ticket object
	auth   object
	host   signer // signs the ticket
	peer   signer // signs the proof
}

// texts returns the signed ticket and proof as JCS text.
func (s session) texts() (string, string) {
	return string(canon(signed(s.ticket, s.host))), string(canon(signed(s.auth, s.peer)))
}

func genSessionTicket() (*vectors.File, error) {
	b := newFile(vectors.SessionTicket, "EMSG/1 session ticket and session auth", []string{
		"The host a.test issues a ticket {type:\"session_ticket\", id, host, initiator, peer, expires, key, sig}",
		"signed by its server key `key`; the peer opens the session WebSocket with the ticket and a proof",
		"{type:\"session_auth\", ticket, peer, host, ts, nonce (16 bytes), sig} signed by the peer's account key.",
		"The host `host` at time `now` accepts both when, in this order: each parses (bad_encoding for JSON",
		"and numbers, malformed for members, types, ids, nonce and sig lengths, bad_address); ticket.host is",
		"itself (wrong_destination); now < expires (expired); it publishes key (unknown_key; see serverKeys)",
		"and the ticket's sig verifies (bad_signature); auth.ticket and auth.peer match the ticket (malformed);",
		"auth.host is the ticket's host (wrong_destination); |now - auth.ts| <= 300000 ms (clock_skew); the",
		"proof's sig verifies with the sign key of the ticket's peer from `parties` (bad_signature).",
	}, map[string]string{
		"WindowEdge": "A time exactly at, or 1 ms past, a limit (expiry, the 300000 ms window).",
		"Tampered":   "The object was changed after signing.",
	})
	k1, k2, c1 := newSigner("server/a.test/k1"), newSigner("server/a.test/k2"), newSigner("server/c.test/k1")
	ps := newParties(alice, bob, carol)
	g := b.group("SessionAccept", "a.test hosts alice's session with bob; carol is a third party", fields{
		"host": "a.test", "now": now, "parties": ps.json(),
		"serverKeys":   map[string]string{"ed25519:k1": b64(k1.pub), "ed25519:k2": b64(k2.pub)},
		"signingSeeds": map[string]string{"ed25519:k1": b64(k1.seed), "ed25519:k2": b64(k2.seed)},
	})
	id := newID("session/ticket", now-60000)
	base := session{
		ticket: object{"type": "session_ticket", "id": id, "host": "a.test", "initiator": alice, "peer": bob, "expires": now + 3600000, "key": "ed25519:k1"},
		auth:   object{"type": "session_auth", "ticket": id, "peer": bob, "host": "a.test", "ts": now, "nonce": b64(det("session/nonce", 16))},
		host:   k1, peer: ps[bob].sign,
	}
	edit := func(f func(s *session)) session {
		s := base
		s.ticket, s.auth = without(base.ticket), without(base.auth)
		f(&s)
		return s
	}
	add := func(result wire.Defect, comment string, s session, flags ...string) {
		t, a := s.texts()
		f := fields{"ticket": t, "auth": a}
		if result == "" {
			g.valid(comment, f, flags...)
		} else {
			g.invalid(result, comment, f, flags...)
		}
	}
	add("", "bob opens the session with a fresh proof", base)
	add("", "the ticket expires 1 ms from now", edit(func(s *session) { s.ticket["expires"] = now + 1 }), "WindowEdge")
	add("", "the proof is 300000 ms old", edit(func(s *session) { s.auth["ts"] = now - 300000 }), "WindowEdge")
	add("", "the proof is 300000 ms ahead", edit(func(s *session) { s.auth["ts"] = now + 300000 }), "WindowEdge")
	add("", "the ticket is signed with a.test's second key", edit(func(s *session) { s.ticket["key"], s.host = "ed25519:k2", k2 }))

	add(wire.Expired, "the ticket expires exactly now", edit(func(s *session) { s.ticket["expires"] = now }), "WindowEdge")
	add(wire.Expired, "the ticket expired an hour ago", edit(func(s *session) { s.ticket["expires"] = now - 3600000 }))
	add(wire.ClockSkew, "the proof is 300001 ms old", edit(func(s *session) { s.auth["ts"] = now - 300001 }), "WindowEdge")
	add(wire.ClockSkew, "the proof is 300001 ms ahead", edit(func(s *session) { s.auth["ts"] = now + 300001 }), "WindowEdge")
	add(wire.WrongDestination, "a ticket issued by c.test presented at a.test", edit(func(s *session) {
		s.ticket["host"], s.host, s.auth["host"] = "c.test", c1, "c.test"
	}))
	add(wire.WrongDestination, "a proof made for c.test", edit(func(s *session) { s.auth["host"] = "c.test" }))
	add(wire.UnknownKey, "the ticket names a key a.test does not have", edit(func(s *session) { s.ticket["key"] = "ed25519:k9" }))
	add(wire.BadSignature, "the ticket signed by c.test's key under a.test's key id", edit(func(s *session) { s.host = c1 }))
	add(wire.BadSignature, "the ticket signed by k2 under the id k1", edit(func(s *session) { s.host = k2 }))
	add(wire.BadSignature, "the proof signed by carol's key", edit(func(s *session) { s.peer = ps[carol].sign }))
	add(wire.Malformed, "the proof is for another ticket", edit(func(s *session) { s.auth["ticket"] = newID("session/other", now-1) }))
	add(wire.Malformed, "carol's own proof presented with bob's ticket", edit(func(s *session) { s.auth["peer"], s.peer = carol, ps[carol].sign }))

	tampered := func(comment string, d wire.Defect, tEdit, aEdit func(t, a object) (object, object)) {
		t, a := signed(base.ticket, base.host), signed(base.auth, base.peer)
		t, a = tEdit(t, a)
		t, a = aEdit(t, a)
		g.invalid(d, comment, fields{"ticket": string(canon(t)), "auth": string(canon(a))}, "Tampered")
	}
	keep := func(t, a object) (object, object) { return t, a }
	tampered("the ticket's expiry extended after signing", wire.BadSignature, func(t, a object) (object, object) {
		return with(t, "expires", now+7200000), a
	}, keep)
	tampered("the ticket's peer changed to carol after signing (carol's proof)", wire.BadSignature, func(t, a object) (object, object) {
		return with(t, "peer", carol), signed(with(base.auth, "peer", carol), ps[carol].sign)
	}, keep)
	tampered("the proof's nonce changed after signing", wire.BadSignature, keep, func(t, a object) (object, object) {
		return t, with(a, "nonce", b64(det("session/nonce-2", 16)))
	})
	tampered("the ticket's sig has a bit flipped", wire.BadSignature, func(t, a object) (object, object) {
		return with(t, "sig", b64(flip(must(wire.DecodeBytes(t["sig"].(string))), 5, 5))), a
	}, keep)

	add(wire.Malformed, "a nonce of 15 bytes", edit(func(s *session) { s.auth["nonce"] = b64(det("session/nonce", 15)) }))
	add(wire.Malformed, "the ticket's type is session_auth", edit(func(s *session) { s.ticket["type"] = "session_auth" }))
	add(wire.Malformed, "the proof's type is login", edit(func(s *session) { s.auth["type"] = "login" }))
	add(wire.Malformed, "the ticket has an unknown member", edit(func(s *session) { s.ticket["ttl"] = 3600 }))
	add(wire.Malformed, "the proof's ts is a string", edit(func(s *session) { s.auth["ts"] = "1700000000000" }))
	add(wire.Malformed, "the ticket id in lower case", edit(func(s *session) {
		s.ticket["id"], s.auth["ticket"] = strings.ToLower(id), strings.ToLower(id)
	}))
	add(wire.BadAddress, "the ticket's peer is not an address", edit(func(s *session) { s.ticket["peer"] = "bob@b.test" }))
	t, a := base.texts()
	g.invalid(wire.BadEncoding, "the ticket's expires written with an exponent", fields{"ticket": strings.Replace(t, `"expires":1700003600000`, `"expires":1.7000036e12`, 1), "auth": a})
	g.invalid(wire.BadEncoding, "a duplicate peer member in the ticket", fields{"ticket": strings.Replace(t, `"peer":"bob#b.test"`, `"peer":"carol#c.test","peer":"bob#b.test"`, 1), "auth": a})
	g.invalid(wire.BadEncoding, "the proof is cut short", fields{"ticket": t, "auth": a[:len(a)/2]})
	return b.done()
}
