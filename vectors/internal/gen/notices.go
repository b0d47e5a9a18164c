package main

import (
	"strings"

	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/vectors"
)

const aliceNew = "alice#b.test"

func genNotices() (*vectors.File, error) {
	b := newFile(vectors.Notices, "EMSG/1 move notice, delete notice and login proof", []string{
		"Signed account objects, each verified with the sign key (from `parties`) of the account named by",
		"`from` (move, signed by the OLD account), `address` (delete, login).",
		"Move {type:\"move\", from, to, bundle (the new account's key bundle), ts, sig}; delete {type:\"delete\",",
		"address, ts, sig}; login {type:\"login\", address, challenge (32 bytes), domain, ts, sig}.",
		"Checks, in order: JSON (bad_encoding), shape, type and members (malformed), each member (bad_address,",
		"embedded bundle defects, sizes: malformed), consistency (move: from != to and the bundle is to's:",
		"malformed), the signature (bad_signature). LoginProofVerify adds the server's clock check:",
		"|now - ts| <= 300000 ms inclusive (clock_skew). Whether the challenge is one the server issued",
		"and the domain its own are server state, not covered here.",
	}, map[string]string{
		"Tampered":       "The object was changed after signing.",
		"WindowEdge":     "ts sits exactly at, or 1 ms past, the 300000 ms window.",
		"EmbeddedBundle": "The defect is inside the embedded key bundle.",
	})
	ps := newParties(alice, aliceNew, bob)
	addMoveGroup(b, ps)
	addDeleteGroup(b, ps)
	addLoginGroup(b, ps)
	return b.done()
}

// signedCases adds, for a base object signed by s, the invalid cases every
// signed object shares.
func signedCases(g *group, field string, base object, s, other signer, tamper func(object) object) {
	inv := func(d wire.Defect, comment string, o object, flags ...string) {
		g.invalid(d, comment, fields{field: string(canon(o))}, flags...)
	}
	full := signed(base, s)
	sig := must(wire.DecodeBytes(full["sig"].(string)))
	inv(wire.BadSignature, "a bit of sig flipped", with(full, "sig", b64(flip(sig, 9, 1))), "Tampered")
	inv(wire.BadSignature, "signed by another account's key", signed(base, other))
	inv(wire.BadSignature, "changed after signing", tamper(full), "Tampered")
	inv(wire.Malformed, "sig missing", without(full, "sig"))
	inv(wire.Malformed, "an unknown member (signed)", signed(with(base, "note", "x"), s))
	inv(wire.Malformed, "type is wrong (signed)", signed(with(base, "type", "notice"), s))
	inv(wire.Malformed, "ts is a string (signed)", signed(with(base, "ts", "1700000000000"), s))
	txt := string(canon(full))
	g.invalid(wire.BadEncoding, "ts written as 1.7e12", fields{field: strings.Replace(txt, `"ts":1700000000000`, `"ts":1.7e12`, 1)})
	g.invalid(wire.BadEncoding, "a duplicate type member", fields{field: strings.Replace(txt, `"type":`, `"type":"x","type":`, 1)})
}

func addMoveGroup(b *builder, ps parties) {
	g := b.group("MoveNoticeVerify", "alice moves from a.test to b.test", fields{"parties": ps.json()})
	newBundle := partyBundle(ps[aliceNew], now-1000)
	base := object{"type": "move", "from": alice, "to": aliceNew, "bundle": newBundle, "ts": now}
	old := ps[alice].sign
	g.valid("alice#a.test moves to alice#b.test", fields{"notice": string(canon(signed(base, old)))})
	toBob := with(with(base, "to", bob), "bundle", partyBundle(ps[bob], now-1000))
	g.valid("a move to an existing account with another local part", fields{"notice": string(canon(signed(toBob, old)))})
	signedCases(g, "notice", base, old, ps[aliceNew].sign, func(o object) object { return with(o, "ts", now-1) })
	inv := func(d wire.Defect, comment string, o object, flags ...string) {
		g.invalid(d, comment, fields{"notice": string(canon(signed(o, old)))}, flags...)
	}
	inv(wire.Malformed, "a move to the same address", with(with(base, "to", alice), "bundle", partyBundle(ps[alice], now-1000)))
	inv(wire.Malformed, "the bundle is not the new account's", with(base, "bundle", partyBundle(ps[bob], now-1000)))
	inv(wire.Malformed, "the bundle is missing", without(base, "bundle"))
	inv(wire.BadAddress, "to is not an address", with(base, "to", "alice@b.test"))
	nbSig := must(wire.DecodeBytes(newBundle["sig"].(string)))
	inv(wire.BadSignature, "the new bundle's sig has a bit flipped", with(base, "bundle", with(newBundle, "sig", b64(flip(nbSig, 4, 4)))), "EmbeddedBundle")
	low, _ := lowOrder(4)
	inv(wire.BadKey, "the new bundle has a low-order box key (signed)", with(base, "bundle", signed(with(without(newBundle, "sig"), "box_key", b64(low)), ps[aliceNew].sign)), "EmbeddedBundle")
}

func addDeleteGroup(b *builder, ps parties) {
	g := b.group("DeleteNoticeVerify", "alice deletes her account", fields{"parties": ps.json()})
	base := object{"type": "delete", "address": alice, "ts": now}
	s := ps[alice].sign
	g.valid("alice#a.test is deleted", fields{"notice": string(canon(signed(base, s)))})
	signedCases(g, "notice", base, s, ps[bob].sign, func(o object) object { return with(o, "ts", now+1) })
	g.invalid(wire.BadAddress, "the address is not an address (signed)", fields{"notice": string(canon(signed(with(base, "address", "alice"), s)))})
}

func addLoginGroup(b *builder, ps parties) {
	challenge := det("login/challenge", 32)
	g := b.group("LoginProofVerify", "alice logs in to a.test", fields{"parties": ps.json(), "now": now, "domain": "a.test", "challenge": b64(challenge)})
	base := object{"type": "login", "address": alice, "challenge": b64(challenge), "domain": "a.test", "ts": now}
	s := ps[alice].sign
	ok := func(comment string, o object, flags ...string) {
		g.valid(comment, fields{"proof": string(canon(signed(o, s)))}, flags...)
	}
	ok("alice answers the challenge", base)
	ok("ts 300000 ms before now", with(base, "ts", now-300000), "WindowEdge")
	ok("ts 300000 ms after now", with(base, "ts", now+300000), "WindowEdge")
	signedCases(g, "proof", base, s, ps[bob].sign, func(o object) object { return with(o, "challenge", b64(det("login/other", 32))) })
	inv := func(d wire.Defect, comment string, o object, flags ...string) {
		g.invalid(d, comment, fields{"proof": string(canon(signed(o, s)))}, flags...)
	}
	inv(wire.ClockSkew, "ts 300001 ms before now", with(base, "ts", now-300001), "WindowEdge")
	inv(wire.ClockSkew, "ts 300001 ms after now", with(base, "ts", now+300001), "WindowEdge")
	inv(wire.Malformed, "a challenge of 31 bytes", with(base, "challenge", b64(challenge[:31])))
	inv(wire.BadAddress, "the domain is not a domain", with(base, "domain", "a_test"))
}
