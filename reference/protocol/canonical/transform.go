package canonical

import (
	"encoding/json"
	"fmt"
)

// Transform returns the RFC 8785 canonical form of the JSON text raw, after
// rejecting ambiguous input (see the package documentation) with a
// [wire.BadEncoding] error. Numbers may be any I-JSON number; protocol
// objects use [Protocol].
func Transform(raw []byte) ([]byte, error) {
	out, err := run(raw, false, nil)
	if err != nil {
		return nil, fmt.Errorf("canonicalise: %w", err)
	}
	return out, nil
}

// Protocol is [Transform] with the EMSG/1 number rule: every number must be
// an integer in canonical form within ±(2^53−1), or the result is a
// [wire.BadEncoding] error naming the member.
func Protocol(raw []byte) ([]byte, error) {
	out, err := run(raw, true, nil)
	if err != nil {
		return nil, fmt.Errorf("canonicalise: %w", err)
	}
	return out, nil
}

// Marshal encodes v with encoding/json and returns the canonical form under
// the protocol number rule ([Protocol]): the bytes to sign, hash or send.
func Marshal(v any) ([]byte, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("canonical marshal: %w", err)
	}
	return Protocol(raw)
}
