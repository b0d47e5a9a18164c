package main

// envSpec is everything that determines an envelope, and the hooks that
// break it in exactly one place.
type envSpec struct {
	label    string // names the seeded streams of this envelope
	from, to string
	ts       int64
	ttl      int
	session  string
	body     object
	readers  []string // who gets a wrapped key (sender included by the caller)

	signer     *signer             // signs the inner message; default: the sender's key
	editInner  func(object) object // changes the inner message before signing
	editSigned func(object) object // changes the inner message after signing
	plaintext  []byte              // replaces the encrypted bytes entirely
	wrapKey    map[string][]byte   // a different content key wrapped for a reader
}

// builtEnvelope is the result: the outer object, the inner bytes, and the
// values needed to reproduce them.
type builtEnvelope struct {
	env        object
	inner      []byte
	contentKey []byte
	nonce      []byte
	ephs       map[string]string // reader → base64url ephemeral secret
}

// build signs, encrypts and wraps as EMSG/1 does (independently of the
// reference library): inner = JCS(signed inner), payload = nonce ||
// XChaCha20-Poly1305(contentKey, nonce, inner, ""), keys[r] =
// crypto_box_seal(contentKey, r's box key) with a given ephemeral secret.
func (s envSpec) build(ps parties) builtEnvelope {
	id := newID(s.label, s.ts)
	inner := object{"v": 1, "id": id, "from": s.from, "to": s.to, "ts": s.ts, "body": s.body}
	if s.editInner != nil {
		inner = s.editInner(inner)
	}
	sg := ps[s.from].sign
	if s.signer != nil {
		sg = *s.signer
	}
	inner = signed(inner, sg)
	if s.editSigned != nil {
		inner = s.editSigned(inner)
	}
	plaintext := canon(inner)
	if s.plaintext != nil {
		plaintext = s.plaintext
	}
	b := builtEnvelope{
		inner:      plaintext,
		contentKey: det("envelope/"+s.label+"/content-key", 32),
		nonce:      det("envelope/"+s.label+"/nonce", 24),
		ephs:       map[string]string{},
	}
	keys := object{}
	for _, r := range s.readers {
		eph := det("envelope/"+s.label+"/eph/"+r, 32)
		ck := b.contentKey
		if k, ok := s.wrapKey[r]; ok {
			ck = k
		}
		keys[r] = b64(sealWith(ck, ps[r].box.pub, eph))
		b.ephs[r] = b64(eph)
	}
	b.env = object{
		"v": 1, "id": id, "from": s.from, "to": s.to, "ts": s.ts, "ttl": s.ttl, "keys": keys,
		"payload": b64(append(append([]byte{}, b.nonce...), xSeal(b.contentKey, b.nonce, plaintext, nil)...)),
	}
	if s.session != "" {
		b.env["session"] = s.session
	}
	return b
}

// validFields are the fields of a valid envelope test read by reader.
func (b builtEnvelope) validFields(reader string) fields {
	return fields{
		"reader": reader, "envelope": string(canon(b.env)), "inner": string(b.inner),
		"contentKey": b64(b.contentKey), "payloadNonce": b64(b.nonce), "ephemeralPrivateKeys": b.ephs,
	}
}

// invalidFields are the fields of an invalid test: the reader and the
// envelope text.
func invalidFields(reader string, env string) fields {
	return fields{"reader": reader, "envelope": env}
}

// keysOf returns the envelope's keys member.
func keysOf(env object) object { return env["keys"].(object) }

// withKey returns env with keys[reader] replaced.
func withKey(env object, reader string, v any) object {
	return with(env, "keys", with(keysOf(env), reader, v))
}
