package main

import (
	"strings"

	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/vectors"
)

const (
	alice = "alice#a.test"
	bob   = "bob#b.test"
	carol = "carol#c.test"
)

// envelopeHeader explains envelope.json and group-envelope.json.
var envelopeHeader = []string{
	"Opening an envelope as `reader`: parse it strictly, unwrap keys[reader] with the reader's box key",
	"(crypto_box_seal_open), decrypt the payload (24-byte nonce || XChaCha20-Poly1305 ciphertext, empty aad),",
	"parse the inner message, verify its sig with the sign key of the party named by the envelope's `from`,",
	"then compare the routing fields v, id, from, to, ts of envelope and inner message.",
	"`parties` gives every account's keys (seeds included). A valid test opens to exactly `inner` (JCS text);",
	"contentKey, payloadNonce and ephemeralPrivateKeys (one per reader) reproduce every byte of `envelope`",
	"(written in JCS form; compare the canonical form of what you build). Checks run in this order, so each",
	"invalid test has one defect: size (too_large, > 65536 bytes), JSON syntax and duplicate member names",
	"(bad_encoding), shape and members (malformed), v (unsupported_version), then each member (bad_address:",
	"addresses are canonical, lower case; bad_key for a wrapped key that is not 80 bytes; malformed: ids are canonical upper-case",
	"ULIDs, ttl >= 1, payload >= 41 bytes), then not_a_recipient,",
	"decrypt_failed, the inner message's own parse, bad_signature, routing_mismatch.",
}

// envelopeNotes are the flags of both envelope files.
var envelopeNotes = map[string]string{
	"Forwarding":    "A signed message re-sent under other routing: the outer fields differ from the signed inner ones.",
	"SizeLimit":     "The envelope sits at or just past the 65536-byte limit.",
	"SwappedKeys":   "Two readers' wrapped keys are exchanged: each is a valid box, for someone else.",
	"Truncated":     "A field lost bytes.",
	"Encoding":      "Base64url that is padded, uses the standard alphabet, or is otherwise not canonical.",
	"LowOrderPoint": "A sealed box whose ephemeral key is a low-order point (all-zero shared secret).",
	"OwnCopy":       "The sender reads its own copy.",
	"VendorBody":    "A vendor body type (vnd.<domain>.<name>): valid, shown as unsupported by clients that do not know it.",
}

func textBody(s string) object { return object{"type": "text", "text": s} }

// oneToOne is the base 1:1 message every invalid case mutates.
func oneToOne(label string) envSpec {
	return envSpec{label: label, from: alice, to: bob, ts: now, ttl: 604800, body: textBody("hi bob"), readers: []string{alice, bob}}
}

func genEnvelope() (*vectors.File, error) {
	b := newFile(vectors.Envelope, "EMSG/1 envelope (1:1)", envelopeHeader, envelopeNotes)
	ps := newParties(alice, bob, carol)
	g := b.group("EnvelopeOpen", "alice sends to bob; carol is a third party", fields{"parties": ps.json()})

	base := oneToOne("1to1/base").build(ps)
	g.valid("bob opens a text message from alice", base.validFields(bob))
	g.valid("alice opens her own copy", base.validFields(alice), "OwnCopy")
	withSession := oneToOne("1to1/session")
	withSession.session = newID("session-ticket", now-60000)
	g.valid("a message inside a session", withSession.build(ps).validFields(bob))
	vendor := oneToOne("1to1/vendor")
	vendor.body = object{"type": "vnd.example.com.poll", "question": "lunch?", "options": []any{"yes", "no"}}
	g.valid("a vendor body type", vendor.build(ps).validFields(bob), "VendorBody")
	uni := oneToOne("1to1/unicode")
	uni.body = textBody("h\u00e9llo \U0001F600 \"quoted\" \\ tab\t line\n \u2028 <&>")
	g.valid("text with non-ASCII, escapes and HTML-looking characters", uni.build(ps).validFields(bob))
	ttl1 := oneToOne("1to1/ttl1")
	ttl1.ttl = 1
	g.valid("the smallest ttl, 1 second", ttl1.build(ps).validFields(bob))
	big := largestEnvelope(ps)
	g.valid("an envelope of at most 65536 bytes, as large as a text makes it", big.validFields(bob), "SizeLimit")
	spaced := base.validFields(bob)
	spaced["envelope"] = respace(canon(base.env))
	g.valid("members in another order with white space: servers must not depend on the form", spaced)

	addEnvelopeParseCases(g, base, ps)
	addEnvelopeOpenCases(g, base, ps)
	return b.done()
}

// addEnvelopeParseCases adds the envelopes a strict decoder rejects.
func addEnvelopeParseCases(g *group, base builtEnvelope, ps parties) {
	env := base.env
	txt := string(canon(env))
	inv := func(d wire.Defect, comment string, e object, flags ...string) {
		g.invalid(d, comment, invalidFields(bob, string(canon(e))), flags...)
	}
	inv(wire.UnsupportedVersion, "v is 2", with(env, "v", 2))
	inv(wire.Malformed, "v is missing", without(env, "v"))
	inv(wire.Malformed, "an unknown member", with(env, "x", 1))
	inv(wire.Malformed, "payload is missing", without(env, "payload"))
	inv(wire.Malformed, "keys is missing", without(env, "keys"))
	inv(wire.Malformed, "keys is empty", with(env, "keys", object{}))
	inv(wire.Malformed, "ttl is 0", with(env, "ttl", 0))
	inv(wire.Malformed, "ttl is a string", with(env, "ttl", "604800"))
	inv(wire.Malformed, "ts is negative", with(env, "ts", -1))
	inv(wire.BadEncoding, "ts is 2^53, beyond the safe integers", with(env, "ts", int64(1)<<53))
	inv(wire.Malformed, "id in lower case", with(env, "id", strings.ToLower(env["id"].(string))))
	inv(wire.Malformed, "id of 25 characters", with(env, "id", env["id"].(string)[:25]))
	inv(wire.BadAddress, "from with @ instead of #", with(env, "from", "alice@a.test"))
	inv(wire.BadAddress, "to without a domain", with(env, "to", "bob#"))
	inv(wire.BadAddress, "a key under an invalid address", with(env, "keys", with(without(keysOf(env), bob), "bob#b", keysOf(env)[bob])))
	inv(wire.BadAddress, "a second key for the reader in upper case: objects carry canonical addresses", withKey(env, "BOB#b.test", keysOf(env)[bob]))
	wrapped := must(wire.DecodeBytes(keysOf(env)[bob].(string)))
	inv(wire.BadKey, "bob's wrapped key is 79 bytes", withKey(env, bob, b64(wrapped[:79])), "Truncated")
	inv(wire.BadKey, "bob's wrapped key is 81 bytes", withKey(env, bob, b64(append(append([]byte{}, wrapped...), 0))))
	payload := must(wire.DecodeBytes(env["payload"].(string)))
	inv(wire.Malformed, "payload of 39 bytes, shorter than nonce and tag", with(env, "payload", b64(payload[:39])), "Truncated")
	inv(wire.Malformed, "payload of nonce and tag only (40 bytes): an inner message is never empty", with(env, "payload", b64(append(payload[:24:24], payload[len(payload)-16:]...))), "Truncated")
	inv(wire.BadEncoding, "payload with = padding", with(env, "payload", padded(env["payload"].(string))), "Encoding")
	inv(wire.BadEncoding, "payload in the standard base64 alphabet", with(env, "payload", stdAlphabet(payload)), "Encoding")
	inv(wire.BadEncoding, "a wrapped key with non-zero trailing bits", withKey(env, bob, nonCanonicalTail(keysOf(env)[bob].(string))), "Encoding")
	text := func(d wire.Defect, comment, s string, flags ...string) {
		g.invalid(d, comment, invalidFields(bob, s), flags...)
	}
	text(wire.BadEncoding, "the JSON text is cut short", txt[:len(txt)-2], "Truncated")
	text(wire.Malformed, "a JSON array instead of an object", "["+txt+"]")
	text(wire.BadEncoding, "a duplicate to member", strings.Replace(txt, `"to":"bob#b.test"`, `"to":"carol#c.test","to":"bob#b.test"`, 1))
	text(wire.BadEncoding, "data after the object", txt+" {}")
	big := largestEnvelope(ps)
	over := with(big.env, "payload", b64(append(must(wire.DecodeBytes(big.env["payload"].(string))), make([]byte, 3)...)))
	text(wire.TooLarge, "one base64 block over 65536 bytes", string(canon(over)), "SizeLimit")
}

// addEnvelopeOpenCases adds envelopes that parse but must not open.
func addEnvelopeOpenCases(g *group, base builtEnvelope, ps parties) {
	env := base.env
	inv := func(d wire.Defect, reader, comment string, e object, flags ...string) {
		g.invalid(d, comment, invalidFields(reader, string(canon(e))), flags...)
	}
	keys := keysOf(env)
	inv(wire.NotARecipient, carol, "carol has no wrapped key", env)
	bobKey := must(wire.DecodeBytes(keys[bob].(string)))
	inv(wire.DecryptFailed, bob, "a bit of bob's wrapped key flipped", withKey(env, bob, b64(flip(bobKey, 50, 1))))
	swapped := with(env, "keys", object{alice: keys[bob], bob: keys[alice]})
	inv(wire.DecryptFailed, bob, "alice's and bob's wrapped keys swapped", swapped, "SwappedKeys")
	low, _ := lowOrder(2)
	forged := sealWithShared(base.contentKey, low, ps[bob].box.pub, make([]byte, 32))
	inv(wire.DecryptFailed, bob, "bob's key wrapped with a low-order ephemeral key", withKey(env, bob, b64(forged)), "LowOrderPoint")

	wrong := oneToOne("1to1/base")
	wrong.wrapKey = map[string][]byte{bob: det("envelope/wrong-content-key", 32)}
	inv(wire.DecryptFailed, bob, "bob's box holds another content key", wrong.build(ps).env)
	payload := must(wire.DecodeBytes(env["payload"].(string)))
	inv(wire.DecryptFailed, bob, "a bit of the ciphertext flipped", with(env, "payload", b64(flip(payload, 30, 0))))
	inv(wire.DecryptFailed, bob, "a bit of the nonce flipped", with(env, "payload", b64(flip(payload, 0, 0))))
	inv(wire.DecryptFailed, bob, "the last byte of the payload removed", with(env, "payload", b64(payload[:len(payload)-1])), "Truncated")
	inv(wire.DecryptFailed, bob, "payload of 41 bytes: nonce, one ciphertext byte, tag", with(env, "payload", b64(append(payload[:25:25], payload[len(payload)-16:]...))), "Truncated")

	broken := func(comment string, d wire.Defect, edit func(*envSpec), flags ...string) {
		s := oneToOne("1to1/base")
		edit(&s)
		inv(d, bob, comment, s.build(ps).env, flags...)
	}
	sigFlip := func(o object) object {
		sig := must(wire.DecodeBytes(o["sig"].(string)))
		return with(o, "sig", b64(flip(sig, 10, 4)))
	}
	cs := ps[carol].sign
	broken("a bit of the inner signature flipped", wire.BadSignature, func(s *envSpec) { s.editSigned = sigFlip })
	broken("the inner message signed by carol's key", wire.BadSignature, func(s *envSpec) { s.signer = &cs })
	broken("the inner signature is 63 bytes", wire.Malformed, func(s *envSpec) {
		s.editSigned = func(o object) object {
			return with(o, "sig", b64(must(wire.DecodeBytes(o["sig"].(string)))[:63]))
		}
	}, "Truncated")
	broken("the inner message has no sig", wire.Malformed, func(s *envSpec) { s.editSigned = func(o object) object { return without(o, "sig") } })
	broken("the inner message has an unknown member (signed)", wire.Malformed, func(s *envSpec) {
		s.editInner = func(o object) object { return with(o, "cc", carol) }
	})
	broken("the inner message has v 2 (signed)", wire.UnsupportedVersion, func(s *envSpec) {
		s.editInner = func(o object) object { return with(o, "v", 2) }
	})
	broken("the inner body has no type (signed)", wire.Malformed, func(s *envSpec) {
		s.editInner = func(o object) object { return with(o, "body", object{"text": "hi"}) }
	})
	broken("the payload decrypts to text that is not JSON", wire.BadEncoding, func(s *envSpec) { s.plaintext = []byte("hi bob") })

	// Forwarding: every signature and box is valid, only the routing differs.
	fwd := func(comment string, edit func(inner object) object, outer func(object) object) {
		s := oneToOne("1to1/base")
		s.editInner = edit
		e := s.build(ps).env
		if outer != nil {
			e = outer(e)
		}
		inv(wire.RoutingMismatch, bob, comment, e, "Forwarding")
	}
	fwd("alice wrote to carol; the envelope is addressed to bob", func(o object) object { return with(o, "to", carol) }, nil)
	fwd("the envelope's id differs from the signed id", nil, func(e object) object { return with(e, "id", newID("other", now)) })
	fwd("the envelope's ts is 1 ms later than the signed ts", nil, func(e object) object { return with(e, "ts", now+1) })
	// The reader verifies with the key of the envelope's from (carol), which
	// made the signature: only the routing differs.
	r := oneToOne("1to1/base")
	r.signer = &cs
	inv(wire.RoutingMismatch, bob, "envelope from carol, signed by carol, but the inner message says alice", with(r.build(ps).env, "from", carol), "Forwarding")
}

// largestEnvelope is a valid 1:1 envelope whose JSON is as close to 65536
// bytes as a text body allows without passing it.
func largestEnvelope(ps parties) builtEnvelope {
	n := 48000
	for {
		s := oneToOne("1to1/largest")
		s.body = textBody(strings.Repeat("x", n))
		b := s.build(ps)
		if size := len(canon(b.env)); size+4 > 65536 {
			return b
		}
		n += 3 // three plaintext bytes are four base64 characters
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
