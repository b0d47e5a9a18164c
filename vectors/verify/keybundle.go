package verify

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/canonical"
	"github.com/emsg-project/emsg/reference/protocol/keys"
	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/vectors"
)

// identityVector is one key generation of a key-bundle group.
type identityVector struct {
	party
	Address string      `json:"address"`
	Created wire.Millis `json:"created"`
}

// bundleTest is the shape of a key-bundle test.
type bundleTest struct {
	Bundle        string      `json:"bundle"`
	Bundles       string      `json:"bundles"`
	Identity      *int        `json:"identity"`
	Address       string      `json:"address"`
	SignPublicKey wire.Bytes  `json:"signPublicKey"`
	BoxPublicKey  wire.Bytes  `json:"boxPublicKey"`
	Created       wire.Millis `json:"created"`
}

// runKeyBundle runs key-bundle.json through [keys.ParseBundle] and
// [keys.VerifyChain] (KeyBundleChain groups), and rebuilds every valid
// single bundle with [keys.NewIdentity] and [keys.Identity.Rotate] from the
// given seeds.
func runKeyBundle(g *vectors.Group, tc *vectors.Test) (Outcome, error) {
	var p struct {
		Identities []identityVector `json:"identities"`
	}
	var v bundleTest
	if err := g.Decode(&p); err != nil {
		return Outcome{}, fmt.Errorf("group: %w", err)
	}
	if err := tc.Decode(&v); err != nil {
		return Outcome{}, fmt.Errorf("test: %w", err)
	}
	if g.Type == "KeyBundleChain" {
		return verifyChain(v), nil
	}
	b, err := keys.ParseBundle([]byte(v.Bundle))
	if err != nil {
		return fail(err), nil
	}
	if b.Address.String() != v.Address || !bytes.Equal(b.SignKey, v.SignPublicKey) || !bytes.Equal(b.BoxKey, v.BoxPublicKey) || b.Created != v.Created {
		return Outcome{Mismatch: fmt.Errorf("parsed %s %v %v %d, want %s %v %v %d", b.Address, b.SignKey, b.BoxKey, b.Created, v.Address, v.SignPublicKey, v.BoxPublicKey, v.Created)}, nil
	}
	if v.Identity == nil || *v.Identity < 0 || *v.Identity >= len(p.Identities) {
		return Outcome{}, fmt.Errorf("test field \"identity\": missing or not one of the group's %d identities", len(p.Identities))
	}
	return Outcome{Mismatch: rebuildBundle(p.Identities, *v.Identity, v.Bundle)}, nil
}

// verifyChain decodes {"bundles":[...]} bundle by bundle and verifies the chain.
func verifyChain(v bundleTest) Outcome {
	var list struct {
		Bundles []json.RawMessage `json:"bundles"`
	}
	if err := json.Unmarshal([]byte(v.Bundles), &list); err != nil {
		return fail(wire.Wrap(wire.Malformed, "bundles", err))
	}
	var bs []keys.Bundle
	for _, raw := range list.Bundles {
		b, err := keys.ParseBundle(raw)
		if err != nil {
			return fail(err)
		}
		bs = append(bs, b)
	}
	if err := keys.VerifyChain(bs); err != nil {
		return fail(err)
	}
	last := bs[len(bs)-1]
	if !bytes.Equal(last.SignKey, v.SignPublicKey) || !bytes.Equal(last.BoxKey, v.BoxPublicKey) {
		return Outcome{Mismatch: fmt.Errorf("current keys differ from the expected ones")}
	}
	return Outcome{}
}

// rebuildBundle makes generation n from the seeds (creating generation 0,
// rotating to each next one) and compares canonical forms with want.
func rebuildBundle(ids []identityVector, n int, want string) error {
	addr, err := address.Parse(ids[0].Address)
	if err != nil {
		return err
	}
	id, err := keys.NewIdentity(seededDeps(ids[0]), addr)
	for i := 1; i <= n && err == nil; i++ {
		id, err = id.Rotate(seededDeps(ids[i]))
	}
	if err != nil {
		return fmt.Errorf("rebuild generation %d: %w", n, err)
	}
	got, err := id.Bundle().Canonical()
	if err != nil {
		return err
	}
	canon, err := canonical.Protocol([]byte(want))
	if err != nil {
		return err
	}
	return wantBytes("rebuilt bundle", got, canon)
}

// seededDeps returns deps whose randomness is the generation's sign seed
// then its box key, and whose clock reads its created time.
func seededDeps(id identityVector) wire.Deps {
	r := bytes.NewReader(append(append([]byte{}, id.SignSeed...), id.BoxPrivateKey...))
	created := id.Created.Time()
	return wire.Deps{Rand: r, Now: func() time.Time { return created }}
}
