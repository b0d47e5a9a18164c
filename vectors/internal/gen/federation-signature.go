package main

import (
	"crypto/sha256"
	"fmt"
	"strings"

	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/vectors"
)

// fedReq is one signed request: what is signed and how the header is written.
type fedReq struct {
	scheme, method, target, origin, destination, key string
	ts                                               int64
	body                                             []byte
	signer                                           signer
}

// signingInput is JCS({method, target, origin, destination, key, ts, digest}).
func (r fedReq) signingInput() []byte {
	sum := sha256.Sum256(r.body)
	return canon(object{"method": r.method, "target": r.target, "origin": r.origin, "destination": r.destination,
		"key": r.key, "ts": r.ts, "digest": b64(sum[:])})
}

// params returns the header parameters in canonical order, signed.
func (r fedReq) params() [][2]string {
	return [][2]string{{"origin", r.origin}, {"destination", r.destination}, {"key", r.key},
		{"ts", fmt.Sprint(r.ts)}, {"sig", b64(r.signer.sign(r.signingInput()))}}
}

// header writes the canonical header: scheme, one space, quoted parameters
// joined by ",".
func header(scheme string, ps [][2]string) string {
	parts := make([]string, len(ps))
	for i, p := range ps {
		parts[i] = p[0] + `="` + p[1] + `"`
	}
	return scheme + " " + strings.Join(parts, ",")
}

func (r fedReq) header() string { return header(r.scheme, r.params()) }

// fields are the test fields of the request with its header.
func (r fedReq) fields(auth string) fields {
	return fields{"method": r.method, "target": r.target, "body": b64(r.body), "authorization": auth}
}

// withParam returns the parameters with name's value replaced.
func withParam(ps [][2]string, name, value string) [][2]string {
	out := append([][2]string{}, ps...)
	for i := range out {
		if out[i][0] == name {
			out[i][1] = value
		}
	}
	return out
}

func genFederationSig() (*vectors.File, error) {
	b := newFile(vectors.FederationSig, "EMSG/1 federation and admin request signatures", []string{
		"Authorization: EMSG-Federation origin=\"a.test\",destination=\"b.test\",key=\"ed25519:k1\",ts=\"...\",sig=\"...\"",
		"sig is Ed25519 over JCS({method, target, origin, destination, key, ts, digest}), digest = base64url(SHA-256(body)).",
		"The receiver is `self` at time `now` (ms) and knows the origins' published keys `serverKeys`",
		"(origin -> key id -> public key); signingSeeds reproduce every signature. Checks run in this order,",
		"each invalid test failing only the one named: header syntax and scheme (malformed), destination",
		"(wrong_destination), |now - ts| <= 300000 ms inclusive (clock_skew), key known (unknown_key; bad_key",
		"when the published key is not 32 bytes), method and target syntax (malformed), signature (bad_signature).",
		"The digest is never sent: a changed body, method or target is bad_signature.",
		"Valid tests also give signingInput, the exact bytes signed.",
	}, map[string]string{
		"WindowEdge":   "ts sits exactly at, or 1 ms past, the 300000 ms window.",
		"HeaderSyntax": "A header spelling RFC 9110 allows or forbids: case, white space, parameter order, quoting.",
		"Tampered":     "The request was changed after signing.",
		"CrossScheme":  "A signature made for one scheme (federation or admin) presented to the other.",
	})
	k1, k2 := newSigner("server/a.test/k1"), newSigner("server/a.test/k2")
	c1, e1 := newSigner("server/c.test/k1"), newSigner("server/e.test/k1")
	g := b.group("FederationVerify", "b.test receives requests; a.test has keys k1 and k2; e.test publishes a 31-byte key", fields{
		"scheme": "EMSG-Federation", "self": "b.test", "now": now,
		"serverKeys": map[string]map[string]string{
			"a.test": {"ed25519:k1": b64(k1.pub), "ed25519:k2": b64(k2.pub)},
			"c.test": {"ed25519:k1": b64(c1.pub)},
			"e.test": {"ed25519:k1": b64(e1.pub[:31])},
		},
		"signingSeeds": map[string]map[string]string{
			"a.test": {"ed25519:k1": b64(k1.seed), "ed25519:k2": b64(k2.seed)},
			"c.test": {"ed25519:k1": b64(c1.seed)},
			"e.test": {"ed25519:k1": b64(e1.seed)},
		},
	})
	body := canon(object{"origin": "a.test", "destination": "b.test", "txn": "t1", "items": []any{}})
	base := fedReq{scheme: "EMSG-Federation", method: "POST", target: "/emsg/v1/federation/inbox", origin: "a.test",
		destination: "b.test", key: "ed25519:k1", ts: now, body: body, signer: k1}
	valid := func(comment string, r fedReq, auth string, flags ...string) {
		f := r.fields(auth)
		f["signingInput"] = string(r.signingInput())
		g.valid(comment, f, flags...)
	}
	valid("a transaction POSTed to the inbox", base, base.header())
	get := base
	get.method, get.target, get.body = "GET", "/emsg/v1/federation/keys/alice%23b.test", nil
	valid("a GET with no body: the digest of the empty string", get, get.header())
	q := get
	q.target = "/emsg/v1/federation/keys/alice%23b.test?since=5"
	valid("a target with a query string", q, q.header())
	r2 := base
	r2.key, r2.signer = "ed25519:k2", k2
	valid("signed with a.test's second key", r2, r2.header())
	for _, d := range []int64{-300000, 300000} {
		r := base
		r.ts = now + d
		valid(fmt.Sprintf("ts = now %+d ms, the edge of the window", d), r, r.header(), "WindowEdge")
	}
	ps := base.params()
	valid("white space after each comma", base, strings.ReplaceAll(base.header(), `",`, `", `), "HeaderSyntax")
	valid("the scheme in lower case (RFC 9110: case-insensitive)", base, "emsg-federation"+strings.TrimPrefix(base.header(), "EMSG-Federation"), "HeaderSyntax")
	valid("the parameters in another order", base, header("EMSG-Federation", [][2]string{ps[4], ps[3], ps[2], ps[1], ps[0]}), "HeaderSyntax")
	valid("parameter names in upper case", base, header("EMSG-Federation", [][2]string{{"ORIGIN", ps[0][1]}, {"Destination", ps[1][1]}, ps[2], ps[3], ps[4]}), "HeaderSyntax")

	addFedInvalid(g, base, k2, c1, e1)
	addAdminGroup(b, base)
	return b.done()
}

// addFedInvalid adds requests that fail exactly one check.
func addFedInvalid(g *group, base fedReq, k2, c1, e1 signer) {
	inv := func(d wire.Defect, comment string, r fedReq, auth string, flags ...string) {
		g.invalid(d, comment, r.fields(auth), flags...)
	}
	resigned := func(edit func(*fedReq)) fedReq { r := base; edit(&r); return r }
	for _, d := range []int64{-300001, 300001} {
		r := resigned(func(r *fedReq) { r.ts = now + d })
		inv(wire.ClockSkew, fmt.Sprintf("ts = now %+d ms, 1 ms outside the window", d), r, r.header(), "WindowEdge")
	}
	r := resigned(func(r *fedReq) { r.ts = now - 3600000 })
	inv(wire.ClockSkew, "ts an hour old", r, r.header())
	r = resigned(func(r *fedReq) { r.destination = "c.test" })
	inv(wire.WrongDestination, "a request for c.test sent to b.test", r, r.header())
	r = resigned(func(r *fedReq) { r.key = "ed25519:k9" })
	inv(wire.UnknownKey, "a key id a.test does not publish", r, r.header())
	r = resigned(func(r *fedReq) { r.origin = "d.test" })
	inv(wire.UnknownKey, "an origin whose keys are unknown", r, r.header())
	r = resigned(func(r *fedReq) { r.origin, r.signer = "e.test", e1 })
	inv(wire.BadKey, "the origin publishes a 31-byte key", r, r.header())

	h := base.header()
	changed := base
	changed.body = append(append([]byte{}, base.body...), ' ')
	inv(wire.BadSignature, "one byte appended to the body", changed, h, "Tampered")
	changed = base
	changed.body = nil
	inv(wire.BadSignature, "the body removed", changed, h, "Tampered")
	changed = base
	changed.method = "PUT"
	inv(wire.BadSignature, "the method changed to PUT", changed, h, "Tampered")
	changed = base
	changed.target = base.target + "?x=1"
	inv(wire.BadSignature, "a query added to the target", changed, h, "Tampered")
	get := base
	get.method, get.target, get.body = "GET", "/emsg/v1/federation/keys/alice%23b.test", nil
	dec := get
	dec.target = "/emsg/v1/federation/keys/alice%23B.test"
	inv(wire.BadSignature, "percent-encoded target re-cased after signing", dec, get.header(), "Tampered")
	ps := base.params()
	sig := must(wire.DecodeBytes(ps[4][1]))
	inv(wire.BadSignature, "a bit of sig flipped", base, header("EMSG-Federation", withParam(ps, "sig", b64(flip(sig, 7, 7)))), "Tampered")
	inv(wire.BadSignature, "ts changed by 1 ms after signing", base, header("EMSG-Federation", withParam(ps, "ts", fmt.Sprint(now+1))), "Tampered")
	signedK2 := resigned(func(r *fedReq) { r.signer = k2 })
	inv(wire.BadSignature, "signed with k2, labelled k1", signedK2, signedK2.header())
	signedC := resigned(func(r *fedReq) { r.signer = c1 })
	inv(wire.BadSignature, "c.test's key signing as a.test", signedC, signedC.header())
	forC := resigned(func(r *fedReq) { r.destination = "c.test" })
	inv(wire.BadSignature, "signed for c.test, header rewritten to b.test", base, header("EMSG-Federation", withParam(forC.params(), "destination", "b.test")), "Tampered")

	mal := func(comment, auth string) { inv(wire.Malformed, comment, base, auth, "HeaderSyntax") }
	mal("sig missing", header("EMSG-Federation", ps[:4]))
	mal("origin twice", header("EMSG-Federation", append([][2]string{{"origin", "a.test"}}, ps...)))
	mal("an unknown parameter digest", header("EMSG-Federation", append(append([][2]string{}, ps...), [2]string{"digest", "x"})))
	mal("ts not quoted", strings.Replace(h, fmt.Sprintf(`ts="%d"`, now), fmt.Sprintf(`ts=%d`, now), 1))
	mal("ts with a leading zero", header("EMSG-Federation", withParam(ps, "ts", fmt.Sprint("0", now))))
	mal("ts with a plus sign", header("EMSG-Federation", withParam(ps, "ts", fmt.Sprint("+", now))))
	mal("an empty list element", strings.Replace(h, `",key=`, `",,key=`, 1))
	mal("the Bearer scheme", "Bearer"+strings.TrimPrefix(h, "EMSG-Federation"))
	mal("no parameters", "EMSG-Federation")
	mal("the origin in upper case", header("EMSG-Federation", withParam(ps, "origin", "A.TEST")))
	mal("sig of 63 bytes", header("EMSG-Federation", withParam(ps, "sig", b64(sig[:63]))))
	mal("sig with = padding", header("EMSG-Federation", withParam(ps, "sig", ps[4][1]+"==")))
	mal("a key id without the ed25519: prefix", header("EMSG-Federation", withParam(ps, "key", "k1")))
	mal("leading white space", " "+h)
	mal("a backslash escape in a quoted value", header("EMSG-Federation", withParam(ps, "origin", `a\.test`)))
	mal("an admin signature at the federation endpoint", strings.Replace(header("EMSG-Admin", ps), `origin="a.test"`, `origin="admin"`, 1))
	lower := base
	lower.method = "post"
	inv(wire.Malformed, "a lower-case method", lower, lower.header())
}

// addAdminGroup adds the admin API scheme: origin "admin", an operator key.
func addAdminGroup(b *builder, base fedReq) {
	op := newSigner("operator/b.test/op1")
	g := b.group("FederationVerify", "the admin API of b.test; operator key op1", fields{
		"scheme": "EMSG-Admin", "self": "b.test", "now": now,
		"serverKeys":   map[string]map[string]string{"admin": {"ed25519:op1": b64(op.pub)}},
		"signingSeeds": map[string]map[string]string{"admin": {"ed25519:op1": b64(op.seed)}},
	})
	r := fedReq{scheme: "EMSG-Admin", method: "POST", target: "/emsg/v1/admin/invites", origin: "admin",
		destination: "b.test", key: "ed25519:op1", ts: now, body: []byte("{}"), signer: op}
	f := r.fields(r.header())
	f["signingInput"] = string(r.signingInput())
	g.valid("an operator creates an invite", f)
	list := r
	list.method, list.target, list.body = "GET", "/emsg/v1/admin/accounts", nil
	f = list.fields(list.header())
	f["signingInput"] = string(list.signingInput())
	g.valid("an operator lists accounts", f)
	fed := r
	fed.scheme = "EMSG-Federation"
	g.invalid(wire.Malformed, "the same signature under the federation scheme", fed.fields(fed.header()), "CrossScheme")
	notAdmin := r
	notAdmin.origin = "a.test"
	g.invalid(wire.Malformed, "an admin origin other than admin", notAdmin.fields(notAdmin.header()), "HeaderSyntax")
	skew := r
	skew.ts = now + 300001
	g.invalid(wire.ClockSkew, "an admin request 1 ms outside the window", skew.fields(skew.header()), "WindowEdge")
	other := newSigner("operator/b.test/other")
	forged := r
	forged.signer = other
	g.invalid(wire.BadSignature, "signed by a key that is not op1", forged.fields(forged.header()))
}
