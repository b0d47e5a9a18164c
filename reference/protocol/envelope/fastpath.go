package envelope

import (
	"bytes"
	"encoding/json"
	"strconv"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// This file is the fast path of [Open] for what conforming senders
// produce: the JCS form of an inner message with a text body,
//
//	{"body":{"text":"…","type":"text"},"from":"…","id":"…","sig":"…","to":"…","ts":…,"v":1}
//
// It reads the fields by position, checks each value as the strict
// decoder would, then rebuilds the JCS form from the values and requires
// it to equal the input byte for byte. Only an input that passes all of
// that takes the fast path, so it accepts exactly what the strict decoder
// accepts and is canonical; any other input, valid or not, goes to the
// strict decoder, which gives the precise defect.

// decodeCanonicalInner returns the inner message and its canonical body,
// or ok == false when raw is not a canonical text message.
func decodeCanonicalInner(raw []byte) (in *Inner, body []byte, ok bool) {
	c := cursor{b: raw, ok: true}
	c.literal(`{"body":{"text":`)
	text := c.str()
	c.literal(`,"type":"text"},"from":"`)
	from := c.until('"')
	c.literal(`,"id":"`)
	id := c.until('"')
	c.literal(`,"sig":"`)
	sig := c.until('"')
	c.literal(`,"to":"`)
	to := c.until('"')
	c.literal(`,"ts":`)
	ts := c.number()
	c.literal(`,"v":1}`)
	if !c.ok || c.i != len(raw) {
		return nil, nil, false
	}
	in, ok = canonicalFields(from, id, sig, to, ts)
	if !ok {
		return nil, nil, false
	}
	body, ok = canonicalText(text)
	if !ok {
		return nil, nil, false
	}
	in.Body = body
	rebuilt := appendInner(make([]byte, 0, len(raw)), in, body, in.Sig)
	return in, body, bytes.Equal(rebuilt, raw)
}

// canonicalFields checks the routing fields and the signature as the
// strict decoder does.
func canonicalFields(from, id, sig, to, ts []byte) (*Inner, bool) {
	in := &Inner{V: Version, ID: string(id)}
	var err error
	if in.From, err = address.ParseCanonical(string(from)); err != nil {
		return nil, false
	}
	if in.To, err = address.ParseCanonical(string(to)); err != nil {
		return nil, false
	}
	if CheckID(in.ID, "/id") != nil {
		return nil, false
	}
	n, err := strconv.ParseInt(string(ts), 10, 64)
	if err != nil || n < 0 || n > maxInt {
		return nil, false
	}
	in.TS = wire.Millis(n)
	if in.Sig, err = wire.DecodeBytes(string(sig)); err != nil || len(in.Sig) != SignatureSize {
		return nil, false
	}
	return in, true
}

// canonicalText decodes the text literal and returns the canonical body
// that holds it.
func canonicalText(lit []byte) ([]byte, bool) {
	if !json.Valid(lit) {
		return nil, false
	}
	text, err := unquote(lit)
	if err != nil {
		return nil, false
	}
	return TextBody(text), true
}

// cursor reads a byte string by position; the first mismatch clears ok
// and every later read returns nothing.
type cursor struct {
	b  []byte
	i  int
	ok bool
}

func (c *cursor) literal(s string) {
	if !c.ok || !bytes.HasPrefix(c.b[c.i:], []byte(s)) {
		c.ok = false
		return
	}
	c.i += len(s)
}

// until returns the bytes up to (not including) stop and moves past it.
func (c *cursor) until(stop byte) []byte {
	if !c.ok {
		return nil
	}
	j := bytes.IndexByte(c.b[c.i:], stop)
	if j < 0 {
		c.ok = false
		return nil
	}
	v := c.b[c.i : c.i+j]
	c.i += j + 1
	return v
}

// str returns a JSON string literal, quotes included.
func (c *cursor) str() []byte {
	if !c.ok || c.i >= len(c.b) || c.b[c.i] != '"' {
		c.ok = false
		return nil
	}
	for j := c.i + 1; j < len(c.b); j++ {
		switch c.b[j] {
		case '\\':
			j++
		case '"':
			v := c.b[c.i : j+1]
			c.i = j + 1
			return v
		}
	}
	c.ok = false
	return nil
}

// number returns a run of decimal digits.
func (c *cursor) number() []byte {
	if !c.ok {
		return nil
	}
	j := c.i
	for j < len(c.b) && '0' <= c.b[j] && c.b[j] <= '9' {
		j++
	}
	if j == c.i {
		c.ok = false
		return nil
	}
	v := c.b[c.i:j]
	c.i = j
	return v
}
