package envelope

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// Envelope is what servers see and route: the routing fields in clear, the
// content key wrapped once per reader, and the encrypted inner message.
//
//	{"v":1,"id":"01J…","from":"alice#a.test","to":"bob#b.test","ts":1700000000000,
//	 "ttl":604800,"keys":{"alice#a.test":"…","bob#b.test":"…"},"payload":"…"}
//
// (From, ID) is the idempotency key everywhere. Session, when present, is
// the id of the session ticket the message belongs to. TTL is in seconds.
// Keys maps each reader (every recipient and the sender) to an 80-byte
// sealed box of the content key; Payload is the 24-byte nonce followed by
// the XChaCha20-Poly1305 ciphertext of the signed [Inner] in JCS form.
//
// Decode envelopes with [ParseEnvelope] (json.Unmarshal calls it too);
// create them with [Seal]; read them with [Open].
type Envelope struct {
	V       int                            `json:"v"`
	ID      string                         `json:"id"`
	From    address.Address                `json:"from"`
	To      address.Address                `json:"to"`
	Session string                         `json:"session,omitempty"`
	TS      wire.Millis                    `json:"ts"`
	TTL     int                            `json:"ttl"`
	Keys    map[address.Address]wire.Bytes `json:"keys"`
	Payload wire.Bytes                     `json:"payload"`
}

// envelopeMembers are the required and optional members of an envelope.
var (
	envelopeRequired = []string{"from", "id", "keys", "payload", "to", "ts", "ttl", "v"}
	envelopeOptional = []string{"session"}
)

// ParseEnvelope decodes an envelope strictly: at most [MaxEnvelopeBytes]
// ([wire.TooLarge]), valid UTF-8 JSON ([wire.BadEncoding]), "v" equal to
// [Version] ([wire.UnsupportedVersion]), no unknown, missing or duplicate
// members ([wire.Malformed]), canonical ULIDs for id and session, valid
// addresses ([wire.BadAddress]), ts ≥ 0, ttl ≥ 1, at least one key, each
// exactly [WrappedKeySize] bytes ([wire.BadKey]), and a payload long enough
// to hold a nonce and a tag. The ttl's upper bound is server policy: see
// [CheckTTL].
func ParseEnvelope(raw []byte) (*Envelope, error) {
	if len(raw) > MaxEnvelopeBytes {
		return nil, wire.Errorf(wire.TooLarge, "", "envelope is %d bytes, the limit is %d", len(raw), MaxEnvelopeBytes)
	}
	obj, err := splitObject(raw, "")
	if err != nil {
		return nil, err
	}
	if err := obj.checkVersion(""); err != nil {
		return nil, err
	}
	if err := obj.checkMembers("", envelopeRequired, envelopeOptional); err != nil {
		return nil, err
	}
	return readEnvelope(obj)
}

// readEnvelope reads the members of a checked envelope object in order.
func readEnvelope(obj object) (*Envelope, error) {
	m := &members{obj: obj}
	env := &Envelope{V: Version}
	env.ID = read(m, "id", parseID)
	env.From = read(m, "from", parseAddress)
	env.To = read(m, "to", parseAddress)
	if _, ok := obj["session"]; ok {
		env.Session = read(m, "session", parseID)
	}
	env.TS = m.millis("ts")
	env.TTL = int(read(m, "ttl", parseTTL))
	env.Keys = read(m, "keys", parseKeys)
	env.Payload = read(m, "payload", parsePayload)
	if m.err != nil {
		return nil, m.err
	}
	return env, nil
}

// UnmarshalJSON decodes with [ParseEnvelope], so an envelope nested in a
// stream frame or a federation item is held to the same rules.
func (env *Envelope) UnmarshalJSON(raw []byte) error {
	parsed, err := ParseEnvelope(raw)
	if err != nil {
		return err
	}
	*env = *parsed
	return nil
}

// parseTTL reads a ttl: an integer number of seconds, at least 1.
func parseTTL(raw json.RawMessage, field string) (int64, error) {
	n, err := parseInt(raw, field)
	if err == nil && n < 1 {
		err = wire.Errorf(wire.Malformed, field, "ttl %d, want at least 1 second", n)
	}
	return n, err
}

// CheckTTL applies a server's ttl policy (maxTTL, [DefaultMaxTTL] unless
// configured): a longer ttl is [wire.Malformed].
func CheckTTL(env *Envelope, maxTTL int) error {
	if env.TTL < 1 || env.TTL > maxTTL {
		return wire.Errorf(wire.Malformed, "/ttl", "ttl %d outside 1..%d", env.TTL, maxTTL)
	}
	return nil
}

// parseKeys reads the "keys" map: at least one member, each name an
// address in canonical form and each value an 80-byte sealed box.
func parseKeys(raw json.RawMessage, field string) (map[address.Address]wire.Bytes, error) {
	obj, err := splitValid(raw, field)
	if err != nil {
		return nil, err
	}
	if len(obj) == 0 {
		return nil, wire.Errorf(wire.Malformed, field, "no keys: an envelope has at least one reader")
	}
	keys := make(map[address.Address]wire.Bytes, len(obj))
	for _, name := range sortedNames(obj) {
		a, err := parseAddressString(name, join(field, name))
		if err != nil {
			return nil, err
		}
		if _, dup := keys[a]; dup {
			return nil, wire.Errorf(wire.Malformed, join(field, name), "duplicate reader %s", a)
		}
		b, err := parseBytes(obj[name], join(field, name))
		if err != nil {
			return nil, err
		}
		if len(b) != WrappedKeySize {
			return nil, wire.Errorf(wire.BadKey, join(field, name), "wrapped key is %d bytes, want %d", len(b), WrappedKeySize)
		}
		keys[a] = b
	}
	return keys, nil
}

// parsePayload reads the payload: nonce, ciphertext and tag, at least
// one byte of ciphertext.
func parsePayload(raw json.RawMessage, field string) (wire.Bytes, error) {
	b, err := parseBytes(raw, field)
	if err == nil && len(b) < minPayload {
		err = wire.Errorf(wire.Malformed, field, "payload is %d bytes, want at least %d (nonce, ciphertext, tag)", len(b), minPayload)
	}
	return b, err
}

func sortedNames(obj object) []string {
	names := make([]string, 0, len(obj))
	for name := range obj {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

// MarshalJSON writes the envelope with its members in contract order and
// its keys sorted by address. It refuses an envelope that [ParseEnvelope]
// would reject (apart from the size limit, which [Envelope.Size] reports).
func (env Envelope) MarshalJSON() ([]byte, error) {
	if err := env.Check(); err != nil {
		return nil, err
	}
	return env.appendJSON(make([]byte, 0, env.Size())), nil
}

// appendJSON appends the wire form of a checked envelope.
func (env *Envelope) appendJSON(dst []byte) []byte {
	dst = append(dst, `{"v":`...)
	dst = strconv.AppendInt(dst, int64(env.V), 10)
	dst = append(dst, `,"id":"`...)
	dst = append(dst, env.ID...)
	dst = append(dst, `","from":"`...)
	dst = appendAddress(dst, env.From.Local, env.From.Domain)
	dst = append(dst, `","to":"`...)
	dst = appendAddress(dst, env.To.Local, env.To.Domain)
	if env.Session != "" {
		dst = append(dst, `","session":"`...)
		dst = append(dst, env.Session...)
	}
	dst = append(dst, `","ts":`...)
	dst = strconv.AppendInt(dst, int64(env.TS), 10)
	dst = append(dst, `,"ttl":`...)
	dst = strconv.AppendInt(dst, int64(env.TTL), 10)
	dst = append(dst, `,"keys":{`...)
	for i, a := range env.readers() {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, '"')
		dst = appendAddress(dst, a.Local, a.Domain)
		dst = append(dst, `":"`...)
		dst = appendBase64(dst, env.Keys[a])
		dst = append(dst, '"')
	}
	dst = append(dst, `},"payload":"`...)
	dst = appendBase64(dst, env.Payload)
	return append(dst, `"}`...)
}

// Size returns the length of the envelope's JSON as [Envelope.MarshalJSON]
// writes it, without writing it: the number to compare with
// [MaxEnvelopeBytes].
func (env *Envelope) Size() int {
	n := len(`{"v":,"id":"","from":"#","to":"#","ts":,"ttl":,"keys":{},"payload":""}`)
	n += digits(int64(env.V)) + len(env.ID) + addrLen(env.From) + addrLen(env.To)
	if env.Session != "" {
		n += len(`,"session":""`) + len(env.Session)
	}
	n += digits(int64(env.TS)) + digits(int64(env.TTL))
	for a, k := range env.Keys {
		n += len(`"#":"",`) + addrLen(a) + b64.EncodedLen(len(k))
	}
	if len(env.Keys) > 0 {
		n-- // no comma after the last key
	}
	return n + b64.EncodedLen(len(env.Payload))
}

func addrLen(a address.Address) int { return len(a.Local) + len(a.Domain) }

func digits(n int64) int {
	var buf [20]byte
	return len(strconv.AppendInt(buf[:0], n, 10))
}

// readers returns the addresses in Keys, sorted.
func (env *Envelope) readers() []address.Address {
	readers := make([]address.Address, 0, len(env.Keys))
	for a := range env.Keys {
		readers = append(readers, a)
	}
	slices.SortFunc(readers, compareAddress)
	return readers
}

// compareAddress orders addresses by their wire form, the order of JSON
// object members and of the ephemeral keys [Seal] reads. "#" sorts before
// every character a local part may hold, so comparing the local parts and
// then the domains gives the byte order of "local#domain" without building
// the strings.
func compareAddress(a, b address.Address) int {
	if c := strings.Compare(a.Local, b.Local); c != 0 {
		return c
	}
	return strings.Compare(a.Domain, b.Domain)
}
