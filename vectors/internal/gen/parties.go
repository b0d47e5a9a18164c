package main

import (
	"bytes"

	"github.com/oklog/ulid/v2"
)

// now is the fixed clock of every vector: 2023-11-14T22:13:20Z.
const now int64 = 1700000000000

// party is an account with its key pairs, derived from seeds named by its
// address, so the same address has the same keys in every file.
type party struct {
	addr string
	sign signer
	box  boxKey
}

func newParty(addr string) party {
	return party{addr: addr, sign: newSigner("account/" + addr + "/sign"), box: newBoxKey("account/" + addr + "/box")}
}

// generation returns the party's key generation n (n = 0 is the party itself).
func (p party) generation(n int) party {
	if n == 0 {
		return p
	}
	suffix := "/gen" + string(rune('0'+n))
	return party{addr: p.addr, sign: newSigner("account/" + p.addr + "/sign" + suffix), box: newBoxKey("account/" + p.addr + "/box" + suffix)}
}

// parties is a set of accounts by address.
type parties map[string]party

func newParties(addrs ...string) parties {
	ps := parties{}
	for _, a := range addrs {
		ps[a] = newParty(a)
	}
	return ps
}

// json is the "parties" group parameter: every key of every account.
func (ps parties) json() map[string]any {
	out := map[string]any{}
	for a, p := range ps {
		out[a] = p.keys()
	}
	return out
}

func (p party) keys() map[string]any {
	return map[string]any{
		"signSeed": b64(p.sign.seed), "signPublicKey": b64(p.sign.pub),
		"boxPrivateKey": b64(p.box.priv), "boxPublicKey": b64(p.box.pub),
	}
}

// newID returns a deterministic ULID for time ts.
func newID(label string, ts int64) string {
	return ulid.MustNew(uint64(ts), bytes.NewReader(det("ulid/"+label, 10))).String()
}
