package suites

import (
	"context"
	"crypto/ed25519"
	"fmt"

	"github.com/emsg-project/emsg/reference/protocol/fedsig"
)

type ed25519Key = ed25519.PublicKey

// staticKeys looks up the published keys of one origin.
func staticKeys(origin string, keys map[string]ed25519Key) fedsig.KeyLookup {
	return fedsig.KeyLookupFunc(func(_ context.Context, o, id string) (ed25519.PublicKey, error) {
		k, ok := keys[id]
		if o != origin || !ok {
			return nil, fmt.Errorf("key %s of %s is not published", id, o)
		}
		return k, nil
	})
}
