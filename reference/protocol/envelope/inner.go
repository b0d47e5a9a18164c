package envelope

import (
	"encoding/json"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// Inner is the signed message inside an envelope's payload, which only the
// sender and the recipients can read:
//
//	{"v":1,"id":"01J…","from":"alice#a.test","to":"bob#b.test","ts":1700000000000,
//	 "body":{"type":"text","text":"hi"},"sig":"…"}
//
// Sig is the sender's Ed25519 signature over JCS(inner without "sig").
// Because "to" is signed, a recipient cannot forward the message to a third
// party as if it had been sent to them: [Open] checks that the envelope's
// routing fields equal these ([CheckRouting]). For a group message To is the
// group address.
//
// [Seal] returns the Inner it encrypted, with Body in canonical form; [Open]
// returns the Inner it decrypted, with Body as received. Read the body with
// [Inner.ParseBody].
type Inner struct {
	V    int             `json:"v"`
	ID   string          `json:"id"`
	From address.Address `json:"from"`
	To   address.Address `json:"to"`
	TS   wire.Millis     `json:"ts"`
	Body json.RawMessage `json:"body"`
	Sig  wire.Bytes      `json:"sig"`
}

// ParseBody decodes the body; see [ParseBody].
func (in *Inner) ParseBody() (Body, error) { return ParseBody(in.Body) }

// MarshalJSON returns the canonical (JCS) form of the signed inner
// message: the bytes [Seal] encrypts.
func (in Inner) MarshalJSON() ([]byte, error) {
	body, err := canonicalBody(in.Body)
	if err != nil {
		return nil, err
	}
	return appendInner(make([]byte, 0, innerSize(&in, body)), &in, body, in.Sig), nil
}

// innerMembers are the members of an inner message, all required.
var innerMembers = []string{"body", "from", "id", "sig", "to", "ts", "v"}

// ParseInner decodes a decrypted payload strictly (see the package
// documentation for the order of checks). It does not verify the
// signature; [Open] does, over the bytes as received.
func ParseInner(raw []byte) (*Inner, error) {
	in, _, err := decodeInner(raw)
	return in, err
}

// decodeInner is [ParseInner] that also returns the body in canonical
// form, which the signature check needs.
func decodeInner(raw []byte) (*Inner, json.RawMessage, error) {
	obj, err := splitObject(raw, "/inner")
	if err != nil {
		return nil, nil, err
	}
	if err := obj.checkVersion("/inner"); err != nil {
		return nil, nil, err
	}
	if err := obj.checkMembers("/inner", innerMembers, nil); err != nil {
		return nil, nil, err
	}
	m := &members{obj: obj, where: "/inner"}
	in := &Inner{V: Version}
	in.ID = read(m, "id", parseID)
	in.From = read(m, "from", parseAddress)
	in.To = read(m, "to", parseAddress)
	in.TS = m.millis("ts")
	in.Body = obj["body"]
	body := read(m, "body", parseInnerBody)
	in.Sig = read(m, "sig", parseSig)
	if m.err != nil {
		return nil, nil, m.err
	}
	canon, err := canonicalBodyOf(in.Body, body)
	if err != nil {
		return nil, nil, at("/inner/body", err)
	}
	return in, canon, nil
}

// parseInnerBody reads the body member of an inner message already
// checked as a whole.
func parseInnerBody(raw json.RawMessage, field string) (Body, error) {
	obj, err := splitValid(raw, field)
	if err != nil {
		return Body{}, err
	}
	return parseBody(obj)
}

// parseSig reads the inner signature; a value that is not 64 bytes can
// never verify and is [wire.BadSignature].
func parseSig(raw json.RawMessage, field string) (wire.Bytes, error) {
	b, err := parseBytes(raw, field)
	if err != nil {
		return nil, err
	}
	if len(b) != SignatureSize {
		return nil, wire.Errorf(wire.Malformed, field, "got %d bytes, want %d", len(b), SignatureSize)
	}
	return b, nil
}
