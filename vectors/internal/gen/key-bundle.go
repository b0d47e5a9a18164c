package main

import (
	"strings"

	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/vectors"
)

const day = int64(86400000)

// generation is one key generation of an account: its keys and the time
// its bundle was made.
type generation struct {
	party
	created int64
}

// aliceGenerations are alice's three key generations, oldest first.
func aliceGenerations() []generation {
	p := newParty(alice)
	return []generation{{p, now - 30*day}, {p.generation(1), now - day}, {p.generation(2), now}}
}

func (g generation) identity() map[string]any {
	k := g.keys()
	k["address"], k["created"] = g.addr, g.created
	return k
}

// bundle is the unsigned bundle of generation g.
func (g generation) bundle() object {
	return object{"address": g.addr, "sign_key": b64(g.sign.pub), "box_key": b64(g.box.pub), "created": g.created}
}

// signBundle signs b with s, and when prev is given adds the rotation link:
// prev.sig by prev over JCS(bundle without sig and prev.sig), then the
// top-level sig by s over everything else.
func signBundle(b object, s signer, prev *signer) object {
	if prev != nil {
		link := object{"sign_key": b64(prev.pub)}
		b = with(b, "prev", link)
		link["sig"] = b64(prev.sign(canon(b)))
		b = with(b, "prev", link)
	}
	return signed(b, s)
}

// genBundle returns the signed bundle of generation i of gens.
func genBundle(gens []generation, i int) object {
	var prev *signer
	if i > 0 {
		prev = &gens[i-1].sign
	}
	return signBundle(gens[i].bundle(), gens[i].sign, prev)
}

func genKeyBundle() (*vectors.File, error) {
	b := newFile(vectors.KeyBundle, "EMSG/1 key bundle and rotation chain", []string{
		"A key bundle {address, sign_key, box_key, created, prev?, sig} is signed by sign_key over JCS(bundle",
		"without sig). A rotated bundle has prev = {sign_key: <previous sign key>, sig}; prev.sig is by the",
		"previous key over JCS(bundle without sig and without prev.sig).",
		"`identities` are one account's key generations, oldest first, with seeds and created times; a valid",
		"KeyBundleVerify test names the generation (`identity`) whose bundle it is: build it from those keys",
		"(rotating from the previous generation) and compare the canonical form with `bundle`.",
		"KeyBundleVerify: parse and verify one bundle. Checks: JSON (bad_encoding: syntax, duplicate names,",
		"non-integer numbers), members (malformed; address must be canonical lower case), address grammar",
		"(bad_address), key lengths and low-order box keys (bad_key), sig (bad_signature), prev.sig (bad_chain).",
		"KeyBundleChain: `bundles` is {\"bundles\":[...]} oldest first, as GET /keys returns it; every bundle",
		"verifies alone, and each next one has the same address, a strictly later created and prev.sign_key",
		"equal to the previous bundle's sign_key (bad_chain). Valid tests give the current (last) keys.",
	}, map[string]string{
		"Rotation":          "A rotated bundle (with prev) or a chain of them.",
		"LowOrderPoint":     "The box key is a low-order X25519 point.",
		"Encoding":          "Base64url that is padded or has non-zero trailing bits.",
		"EscapedString":     "A string written with \\u escapes: the signature covers the JCS form, so it still verifies.",
		"WrongSigningInput": "A signature made over the wrong bytes.",
		"BrokenLink":        "A rotation chain whose links do not connect.",
	})
	gens := aliceGenerations()
	ids := make([]any, len(gens))
	for i, g := range gens {
		ids[i] = g.identity()
	}
	g := b.group("KeyBundleVerify", "alice#a.test's three key generations", fields{"identities": ids})
	validBundle := func(comment string, i int, text string, flags ...string) {
		g.valid(comment, fields{"bundle": text, "identity": i, "address": alice,
			"signPublicKey": b64(gens[i].sign.pub), "boxPublicKey": b64(gens[i].box.pub), "created": gens[i].created}, flags...)
	}
	b0 := genBundle(gens, 0)
	validBundle("the first bundle of an account", 0, string(canon(b0)))
	validBundle("a rotated bundle", 1, string(canon(genBundle(gens, 1))), "Rotation")
	validBundle("a bundle rotated twice", 2, string(canon(genBundle(gens, 2))), "Rotation")
	validBundle("the first bundle with white space and another member order", 0, respace(canon(b0)))
	validBundle("the address written with a \\u escape", 0, strings.Replace(string(canon(b0)), `"alice#`, `"\u0061lice#`, 1), "EscapedString")
	addBundleInvalid(g, gens)
	addChainGroup(b, gens, ids)
	return b.done()
}

// addBundleInvalid adds single bundles that fail exactly one check.
func addBundleInvalid(g *group, gens []generation) {
	g0 := gens[0]
	b0 := genBundle(gens, 0)
	inv := func(d wire.Defect, comment string, o object, flags ...string) {
		g.invalid(d, comment, fields{"bundle": string(canon(o))}, flags...)
	}
	resign := func(o object) object { return signed(o, g0.sign) }
	sig := must(wire.DecodeBytes(b0["sig"].(string)))
	bob := newParty(bob)
	inv(wire.BadSignature, "a bit of sig flipped", with(b0, "sig", b64(flip(sig, 1, 1))))
	inv(wire.BadSignature, "signed by bob's key", signed(g0.bundle(), bob.sign))
	inv(wire.BadSignature, "created changed after signing", with(b0, "created", g0.created+1))
	inv(wire.BadSignature, "box_key replaced after signing", with(b0, "box_key", b64(gens[1].box.pub)))
	inv(wire.Malformed, "sig of 63 bytes", with(b0, "sig", b64(sig[:63])))
	inv(wire.Malformed, "sig missing", without(b0, "sig"))
	inv(wire.Malformed, "an unknown member (signed)", resign(with(g0.bundle(), "name", "Alice")))
	inv(wire.Malformed, "created missing (signed)", resign(without(g0.bundle(), "created")))
	inv(wire.Malformed, "created is a string (signed)", resign(with(g0.bundle(), "created", "1697408000000")))
	inv(wire.Malformed, "created is 0 (signed)", resign(with(g0.bundle(), "created", 0)))
	inv(wire.Malformed, "created is null (signed)", resign(with(g0.bundle(), "created", nil)))
	inv(wire.BadAddress, "the address in upper case: objects carry addresses in canonical form (reason not_canonical)", resign(with(g0.bundle(), "address", "Alice#a.test")))
	inv(wire.BadAddress, "the address with @ (signed)", resign(with(g0.bundle(), "address", "alice@a.test")))
	inv(wire.BadKey, "sign_key of 31 bytes (signed by the real key)", resign(with(g0.bundle(), "sign_key", b64(g0.sign.pub[:31]))))
	inv(wire.BadKey, "box_key of 33 bytes (signed)", resign(with(g0.bundle(), "box_key", b64(append(append([]byte{}, g0.box.pub...), 0)))))
	for _, i := range []int{0, 1, 3, 4} {
		p, _ := lowOrder(i)
		inv(wire.BadKey, "box_key is the low-order point "+lowOrderPoints[i].name+" (signed)", resign(with(g0.bundle(), "box_key", b64(p))), "LowOrderPoint")
	}
	inv(wire.BadEncoding, "sign_key with = padding (signed)", resign(with(g0.bundle(), "sign_key", padded(b64(g0.sign.pub)))), "Encoding")
	inv(wire.BadEncoding, "box_key with non-zero trailing bits (signed)", resign(with(g0.bundle(), "box_key", nonCanonicalTail(b64(g0.box.pub)))), "Encoding")
	txt := string(canon(b0))
	g.invalid(wire.BadEncoding, "created written as 1.697408e12", fields{"bundle": strings.Replace(txt, `"created":1697408000000`, `"created":1.697408e12`, 1)})
	g.invalid(wire.BadEncoding, "a duplicate address member", fields{"bundle": strings.Replace(txt, `{"address":"alice#a.test"`, `{"address":"mallory#m.test","address":"alice#a.test"`, 1)})
	g.invalid(wire.BadEncoding, "the JSON text is cut short", fields{"bundle": txt[:len(txt)-1]})
	g.invalid(wire.Malformed, "a JSON array", fields{"bundle": "[" + txt + "]"})

	// Rotation links: the bundle is signed by the new key in every case, so
	// only the prev link is wrong.
	g1 := gens[1]
	b1 := genBundle(gens, 1)
	prev := b1["prev"].(object)
	psig := must(wire.DecodeBytes(prev["sig"].(string)))
	newSigned := func(p object) object { return signed(with(g1.bundle(), "prev", p), g1.sign) }
	inv(wire.BadChain, "a bit of prev.sig flipped (top-level sig redone)", newSigned(with(prev, "sig", b64(flip(psig, 33, 0)))), "Rotation")
	bobLink := object{"sign_key": b64(g0.sign.pub), "sig": b64(bob.sign.sign(canon(with(g1.bundle(), "prev", object{"sign_key": b64(g0.sign.pub)}))))}
	inv(wire.BadChain, "prev names alice's old key, prev.sig is made by bob's key", newSigned(bobLink), "Rotation")
	inv(wire.BadChain, "prev.sign_key replaced by another key", newSigned(with(prev, "sign_key", b64(bob.sign.pub))), "Rotation")
	inv(wire.BadChain, "prev.sign_key equal to sign_key", signBundle(g1.bundle(), g1.sign, &g1.sign), "Rotation")
	wrongInput := object{"sign_key": b64(g0.sign.pub), "sig": b64(g0.sign.sign(canon(g1.bundle())))}
	inv(wire.BadChain, "prev.sig over the bundle without prev at all", newSigned(wrongInput), "Rotation", "WrongSigningInput")
	inv(wire.BadKey, "prev.sign_key of 31 bytes", newSigned(with(prev, "sign_key", b64(g0.sign.pub[:31]))), "Rotation")
	inv(wire.Malformed, "prev without sig", newSigned(without(prev, "sig")), "Rotation")
	inv(wire.Malformed, "prev with an unknown member", newSigned(with(prev, "created", g0.created)), "Rotation")
	topFirst := signed(with(g1.bundle(), "prev", object{"sign_key": b64(g0.sign.pub)}), g1.sign)
	inv(wire.BadSignature, "the top-level sig made before prev.sig was added", with(topFirst, "prev", prev), "Rotation", "WrongSigningInput")
}

// addChainGroup adds KeyBundleChain tests over alice's generations.
func addChainGroup(b *builder, gens []generation, ids []any) {
	g := b.group("KeyBundleChain", "alice#a.test's bundles as GET /keys returns them", fields{"identities": ids})
	bs := []object{genBundle(gens, 0), genBundle(gens, 1), genBundle(gens, 2)}
	list := func(items ...object) string {
		arr := make([]any, len(items))
		for i, it := range items {
			arr[i] = it
		}
		return string(canon(object{"bundles": arr}))
	}
	valid := func(comment string, cur int, items ...object) {
		g.valid(comment, fields{"bundles": list(items...), "signPublicKey": b64(gens[cur].sign.pub), "boxPublicKey": b64(gens[cur].box.pub)}, "Rotation")
	}
	valid("one bundle", 0, bs[0])
	valid("two generations", 1, bs[0], bs[1])
	valid("three generations", 2, bs[0], bs[1], bs[2])
	valid("a suffix of the history: the first bundle's own link is checked alone", 2, bs[1], bs[2])
	inv := func(d wire.Defect, comment string, text string, flags ...string) {
		g.invalid(d, comment, fields{"bundles": text}, flags...)
	}
	inv(wire.BadChain, "the middle generation is missing", list(bs[0], bs[2]), "BrokenLink")
	inv(wire.BadChain, "newest first", list(bs[1], bs[0]), "BrokenLink")
	inv(wire.BadChain, "the same bundle twice", list(bs[0], bs[0]), "BrokenLink")
	back := gens[1]
	back.created = gens[0].created - 1
	inv(wire.BadChain, "a rotated bundle created before its predecessor (validly signed)", list(bs[0], genBundle([]generation{gens[0], back}, 1)), "BrokenLink")
	same := gens[1]
	same.created = gens[0].created
	inv(wire.BadChain, "a rotated bundle with the same created time", list(bs[0], genBundle([]generation{gens[0], same}, 1)), "BrokenLink")
	bob := newParty(bob)
	hijack := signBundle(object{"address": bob.addr, "sign_key": b64(bob.sign.pub), "box_key": b64(bob.box.pub), "created": gens[1].created}, bob.sign, &gens[0].sign)
	inv(wire.BadChain, "the next bundle is for another address (link signed by alice's old key)", list(bs[0], hijack), "BrokenLink")
	sig := must(wire.DecodeBytes(bs[1]["sig"].(string)))
	inv(wire.BadSignature, "the second bundle's sig has a bit flipped", list(bs[0], with(bs[1], "sig", b64(flip(sig, 0, 0)))))
	inv(wire.Malformed, "no bundles", string(canon(object{"bundles": []any{}})))
	inv(wire.Malformed, "bundles is an object", string(canon(object{"bundles": bs[0]})))
}
