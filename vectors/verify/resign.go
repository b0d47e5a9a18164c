package verify

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"fmt"

	"github.com/emsg-project/emsg/reference/protocol/signing"
	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// resign signs the object text (without its sig) with key and requires the
// signature in the text: Ed25519 is deterministic, so the given seed must
// reproduce it.
func resign(text []byte, key ed25519.PrivateKey) error {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(text, &obj); err != nil {
		return err
	}
	var want wire.Bytes
	if err := json.Unmarshal(obj["sig"], &want); err != nil {
		return err
	}
	delete(obj, "sig")
	got, err := signing.Sign(obj, key)
	if err != nil {
		return err
	}
	if !bytes.Equal(got, want) {
		return fmt.Errorf("re-signed sig %s, want %s", got, want)
	}
	return nil
}

// signerOf returns the party that signs a notice or proof: "from" for a
// move notice, "address" otherwise.
func signerOf(text []byte, ps map[string]party) (party, error) {
	var obj struct {
		From    string `json:"from"`
		Address string `json:"address"`
	}
	if err := json.Unmarshal(text, &obj); err != nil {
		return party{}, fmt.Errorf("signer: %w", err)
	}
	name := obj.Address
	if obj.From != "" {
		name = obj.From
	}
	p, ok := ps[name]
	if !ok {
		return party{}, fmt.Errorf("signer: no party %q", name)
	}
	return p, nil
}
