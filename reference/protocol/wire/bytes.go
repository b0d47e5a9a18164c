package wire

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
)

// b64 is the one encoding of binary values in EMSG/1: base64url without
// padding, strict (non-zero trailing bits are rejected, so every value has
// exactly one encoding).
var b64 = base64.RawURLEncoding.Strict()

// Bytes is a binary value that travels in JSON as an unpadded base64url string.
type Bytes []byte

// EncodeBytes returns the wire form of b.
func EncodeBytes(b []byte) string { return b64.EncodeToString(b) }

// DecodeBytes parses the wire form of a binary value, rejecting padding,
// the standard alphabet and non-canonical trailing bits with [BadEncoding].
func DecodeBytes(s string) ([]byte, error) {
	b, err := b64.DecodeString(s)
	if err != nil {
		return nil, Errorf(BadEncoding, "", "invalid base64url: %v", err)
	}
	return b, nil
}

// MarshalJSON encodes b as an unpadded base64url string.
func (b Bytes) MarshalJSON() ([]byte, error) {
	return json.Marshal(EncodeBytes(b))
}

// UnmarshalJSON decodes an unpadded base64url string.
func (b *Bytes) UnmarshalJSON(data []byte) error {
	var s string
	if err := json.Unmarshal(data, &s); err != nil {
		return Errorf(BadEncoding, "", "binary value must be a base64url string")
	}
	raw, err := DecodeBytes(s)
	if err != nil {
		return err
	}
	*b = raw
	return nil
}

// Fixed returns b as an array of exactly n bytes, or a [BadKey] error naming
// the field when the length is wrong.
func (b Bytes) Fixed(field string, n int) ([]byte, error) {
	if len(b) != n {
		return nil, Errorf(BadKey, field, "got %d bytes, want %d", len(b), n)
	}
	return []byte(b), nil
}

// String returns the wire form, for logs and error messages.
func (b Bytes) String() string { return fmt.Sprintf("%q", EncodeBytes(b)) }
