package main

import (
	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/vectors"
)

const (
	team    = "team#a.test"
	dave    = "dave#b.test"
	erin    = "erin#d.test"
	mallory = "mallory#m.test"
)

// teamMembers are the members of team#a.test, hosted on a.test and spread
// over three other servers.
var teamMembers = []string{alice, bob, carol, dave, erin}

// groupPost is the base group message every invalid case mutates: alice
// posts to the group, one wrapped key per member (herself included).
func groupPost(label string) envSpec {
	return envSpec{label: label, from: alice, to: team, ts: now, ttl: 604800, body: textBody("hi team"), readers: teamMembers}
}

func genGroupEnvelope() (*vectors.File, error) {
	b := newFile(vectors.GroupEnvelope, "EMSG/1 envelope (group)", append([]string{
		"Group messages: `to` is the group address (inside and outside the signature) and keys holds one",
		"wrapped content key per member. `group` and `members` say who is in the group; mallory is not.",
	}, envelopeHeader...), envelopeNotes)
	ps := newParties(append(append([]string{}, teamMembers...), mallory)...)
	g := b.group("EnvelopeOpen", "team#a.test: alice, bob, carol, dave, erin; mallory is an outsider", fields{
		"parties": ps.json(), "group": team, "members": teamMembers,
	})
	base := groupPost("group/base").build(ps)
	for _, m := range teamMembers {
		flags := []string{}
		if m == alice {
			flags = append(flags, "OwnCopy")
		}
		g.valid(m+" opens alice's group message", base.validFields(m), flags...)
	}
	fromErin := groupPost("group/from-erin")
	fromErin.from = erin
	fromErin.body = textBody("erin here")
	g.valid("a post by erin, read by dave", fromErin.build(ps).validFields(dave))
	session := groupPost("group/session")
	session.session = newID("group-session", now-1000)
	g.valid("a group message with a session id", session.build(ps).validFields(carol))

	env := base.env
	keys := keysOf(env)
	inv := func(d wire.Defect, reader, comment string, e object, flags ...string) {
		g.invalid(d, comment, invalidFields(reader, string(canon(e))), flags...)
	}
	inv(wire.NotARecipient, mallory, "an outsider has no key", env)
	inv(wire.NotARecipient, erin, "erin's key was left out", with(env, "keys", without(keys, erin)))
	inv(wire.DecryptFailed, dave, "dave's and erin's keys swapped", with(env, "keys", with(with(keys, dave, keys[erin]), erin, keys[dave])), "SwappedKeys")
	inv(wire.DecryptFailed, carol, "carol's key replaced by bob's", withKey(env, carol, keys[bob]), "SwappedKeys")
	inv(wire.DecryptFailed, bob, "mallory's key stored under bob's address", withKey(env, bob, b64(sealWith(base.contentKey, ps[mallory].box.pub, det("group/mallory-eph", 32)))))
	carolKey := must(wire.DecodeBytes(keys[carol].(string)))
	inv(wire.BadKey, carol, "carol's wrapped key truncated to 48 bytes", withKey(env, carol, b64(carolKey[:48])), "Truncated")
	payload := must(wire.DecodeBytes(env["payload"].(string)))
	inv(wire.DecryptFailed, erin, "a bit of the payload flipped", with(env, "payload", b64(flip(payload, 40, 5))))
	inv(wire.BadAddress, bob, "the group address with @", with(env, "to", "team@a.test"))
	inv(wire.Malformed, bob, "keys is empty", with(env, "keys", object{}))

	wrong := groupPost("group/base")
	wrong.wrapKey = map[string][]byte{dave: det("group/wrong-content-key", 32)}
	inv(wire.DecryptFailed, dave, "dave's box holds another content key", wrong.build(ps).env)
	bs := ps[bob].sign
	forged := groupPost("group/base")
	forged.signer = &bs
	inv(wire.BadSignature, carol, "bob signed a message that claims to be from alice", forged.build(ps).env)

	fwd := func(reader, comment string, edit func(object) object, outer func(object) object) {
		s := groupPost("group/base")
		s.editInner = edit
		e := s.build(ps).env
		if outer != nil {
			e = outer(e)
		}
		inv(wire.RoutingMismatch, reader, comment, e, "Forwarding")
	}
	fwd(bob, "a 1:1 message to bob re-posted into the group", func(o object) object { return with(o, "to", bob) }, nil)
	fwd(bob, "a group message delivered as a 1:1 message to bob", nil, func(e object) object { return with(e, "to", bob) })
	fwd(carol, "a message to another group re-posted here", func(o object) object { return with(o, "to", "other#a.test") }, nil)
	fwd(dave, "the group envelope's ts moved back by 300000 ms", nil, func(e object) object { return with(e, "ts", now-300000) })
	return b.done()
}
