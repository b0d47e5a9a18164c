package main

import (
	"strings"

	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/vectors"
)

// partyBundle is the signed first-generation bundle of p.
func partyBundle(p party, created int64) object {
	return signed(object{"address": p.addr, "sign_key": b64(p.sign.pub), "box_key": b64(p.box.pub), "created": created}, p.sign)
}

// exportOf is alice's unsigned export: two contacts, a group, settings and
// one favorite (an envelope to herself).
func exportOf(ps parties) object {
	fav := envSpec{label: "export/favorite", from: alice, to: alice, ts: now - day, ttl: 604800, body: textBody("remember this"), readers: []string{alice}}.build(ps)
	return object{
		"type": "export", "v": 1, "address": alice, "bundle": partyBundle(ps[alice], now-30*day),
		"contacts": []any{
			object{"address": bob, "bundle": partyBundle(ps[bob], now-20*day), "state": "accepted"},
			object{"address": carol, "bundle": partyBundle(ps[carol], now-10*day), "state": "blocked"},
		},
		"groups":    []any{object{"address": team, "role": "owner"}},
		"settings":  object{"accept_strangers": false, "accept_requests": true, "ttl": 604800, "typing": true, "presence": false},
		"favorites": []any{fav.env},
		"created":   now,
	}
}

func genExportBundle() (*vectors.File, error) {
	b := newFile(vectors.ExportBundle, "EMSG/1 account export", []string{
		"An export {type:\"export\", v:1, address, bundle, contacts, groups, settings, favorites, created, sig}",
		"carries an account to another server, signed by the account's sign key (the key of `address` in",
		"`parties`). Checks, in order: JSON (bad_encoding: syntax, duplicate names, non-integer numbers);",
		"shape and type (malformed); v (unsupported_version); members, closed at every level (malformed);",
		"each member depth first: addresses (bad_address), embedded key bundles with their own signatures",
		"(the key-bundle defects), states, roles and settings (malformed); consistency: the bundle is the",
		"account's, each contact's bundle is that contact's, no contact or group twice (malformed);",
		"then the signature (bad_signature).",
	}, map[string]string{
		"Tampered":       "The export was changed after signing.",
		"EmbeddedBundle": "The defect is inside an embedded key bundle.",
	})
	ps := newParties(alice, bob, carol)
	g := b.group("ExportVerify", "alice#a.test exports her account", fields{"parties": ps.json()})
	base := exportOf(ps)
	as := ps[alice].sign
	ok := func(comment string, o object) { g.valid(comment, fields{"export": string(canon(signed(o, as)))}) }
	ok("a full export", base)
	ok("an account with no contacts, groups or favorites", with(with(with(base, "contacts", []any{}), "groups", []any{}), "favorites", []any{}))
	ok("a contact that is blocked only", with(base, "contacts", []any{base["contacts"].([]any)[1]}))

	inv := func(d wire.Defect, comment string, o object, flags ...string) {
		g.invalid(d, comment, fields{"export": string(canon(o))}, flags...)
	}
	sgn := func(o object) object { return signed(o, as) }
	full := sgn(base)
	sig := must(wire.DecodeBytes(full["sig"].(string)))
	inv(wire.BadSignature, "a bit of sig flipped", with(full, "sig", b64(flip(sig, 2, 2))), "Tampered")
	inv(wire.BadSignature, "signed by bob's key", signed(base, ps[bob].sign))
	inv(wire.BadSignature, "carol unblocked after signing", with(full, "contacts", []any{base["contacts"].([]any)[0], with(base["contacts"].([]any)[1].(object), "state", "accepted")}), "Tampered")
	inv(wire.BadSignature, "settings changed after signing", with(full, "settings", with(base["settings"].(object), "accept_strangers", true)), "Tampered")
	inv(wire.UnsupportedVersion, "v is 2 (signed)", sgn(with(base, "v", 2)))
	inv(wire.Malformed, "type is exports (signed)", sgn(with(base, "type", "exports")))
	inv(wire.Malformed, "an unknown member (signed)", sgn(with(base, "password", "x")))
	inv(wire.Malformed, "settings missing (signed)", sgn(without(base, "settings")))
	inv(wire.Malformed, "an unknown setting (signed)", sgn(with(base, "settings", with(base["settings"].(object), "theme", "dark"))))
	inv(wire.Malformed, "settings.ttl is 0 (signed)", sgn(with(base, "settings", with(base["settings"].(object), "ttl", 0))))
	c0 := base["contacts"].([]any)[0].(object)
	inv(wire.Malformed, "a contact in state pending_out (signed)", sgn(with(base, "contacts", []any{with(c0, "state", "pending_out")})))
	inv(wire.Malformed, "a group role king (signed)", sgn(with(base, "groups", []any{object{"address": team, "role": "king"}})))
	inv(wire.Malformed, "bob listed twice (signed)", sgn(with(base, "contacts", []any{c0, c0})))
	inv(wire.Malformed, "the group listed twice (signed)", sgn(with(base, "groups", []any{object{"address": team, "role": "owner"}, object{"address": team, "role": "member"}})))
	inv(wire.Malformed, "bob's entry carries carol's bundle (signed)", sgn(with(base, "contacts", []any{with(c0, "bundle", partyBundle(ps[carol], now-10*day))})))
	inv(wire.Malformed, "the account's bundle is bob's (signed)", sgn(with(base, "bundle", partyBundle(ps[bob], now-20*day))))
	cb := c0["bundle"].(object)
	cbSig := must(wire.DecodeBytes(cb["sig"].(string)))
	inv(wire.BadSignature, "bob's bundle has a bit of its sig flipped (export signed)", sgn(with(base, "contacts", []any{with(c0, "bundle", with(cb, "sig", b64(flip(cbSig, 0, 3))))})), "EmbeddedBundle")
	low, _ := lowOrder(3)
	lowBundle := signed(with(without(cb, "sig"), "box_key", b64(low)), ps[bob].sign)
	inv(wire.BadKey, "bob's bundle has a low-order box key (both signed)", sgn(with(base, "contacts", []any{with(c0, "bundle", lowBundle)})), "EmbeddedBundle")
	inv(wire.BadAddress, "a group address with @ (signed)", sgn(with(base, "groups", []any{object{"address": "team@a.test", "role": "owner"}})))
	inv(wire.Malformed, "a favorite that is a string (signed)", sgn(with(base, "favorites", []any{"not an envelope"})))
	inv(wire.Malformed, "contacts is an object (signed)", sgn(with(base, "contacts", c0)))
	inv(wire.Malformed, "created is null (signed)", sgn(with(base, "created", nil)))
	txt := string(canon(full))
	g.invalid(wire.BadEncoding, "created written as 1.7e12", fields{"export": strings.Replace(txt, `"created":1700000000000,"favorites"`, `"created":1.7e12,"favorites"`, 1)})
	g.invalid(wire.BadEncoding, "a duplicate address member", fields{"export": strings.Replace(txt, `"address":"alice#a.test","bundle"`, `"address":"mallory#m.test","address":"alice#a.test","bundle"`, 1)})
	g.invalid(wire.BadEncoding, "the JSON text is cut short", fields{"export": txt[:len(txt)-10]})
	return b.done()
}
