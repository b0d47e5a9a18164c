package envelope

import (
	"crypto/ecdh"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// testNow is the fixed clock of every test.
var testNow = time.UnixMilli(1700000000000)

// account is a test identity: keys derived from seeded randomness, as the
// keys package does, without depending on it.
type account struct {
	addr    address.Address
	sign    ed25519.PrivateKey
	boxPriv [32]byte
	boxPub  [32]byte
}

// newAccount derives an account for addr from the seed "account:"+addr.
func newAccount(t testing.TB, addr string) *account {
	t.Helper()
	r := wire.NewSeededReader("account:" + addr)
	a := &account{addr: address.MustParse(addr)}
	var seed [32]byte
	mustRead(t, r, seed[:])
	a.sign = ed25519.NewKeyFromSeed(seed[:])
	mustRead(t, r, a.boxPriv[:])
	priv, err := ecdh.X25519().NewPrivateKey(a.boxPriv[:])
	if err != nil {
		t.Fatalf("x25519 key: %v", err)
	}
	copy(a.boxPub[:], priv.PublicKey().Bytes())
	return a
}

func mustRead(t testing.TB, r io.Reader, b []byte) {
	t.Helper()
	if _, err := io.ReadFull(r, b); err != nil {
		t.Fatalf("read: %v", err)
	}
}

func (a *account) sender() SenderKeys {
	return SenderKeys{Addr: a.addr, Sign: a.sign, Box: &a.boxPub}
}

func (a *account) signPub() ed25519.PublicKey { return a.sign.Public().(ed25519.PublicKey) }

func (a *account) open(env *Envelope, from *account) (*Inner, error) {
	return Open(env, a.addr, &a.boxPriv, from.signPub())
}

// recipients maps each account to its box public key.
func recipients(accounts ...*account) map[address.Address]*[32]byte {
	m := make(map[address.Address]*[32]byte, len(accounts))
	for _, a := range accounts {
		m[a.addr] = &a.boxPub
	}
	return m
}

// groupMembers returns n accounts m000#b.test … for group tests.
func groupMembers(t testing.TB, n int) []*account {
	t.Helper()
	out := make([]*account, n)
	for i := range out {
		out[i] = newAccount(t, fmt.Sprintf("m%03d#b.test", i))
	}
	return out
}

// seal seals a text message with seeded deps, failing the test on error.
func seal(t testing.TB, seed string, from *account, to address.Address, readers map[address.Address]*[32]byte, text string) (*Envelope, *Inner) {
	t.Helper()
	env, in, err := Seal(wire.Seeded(seed, testNow), from.sender(), to, readers, TextBody(text), Options{})
	if err != nil {
		t.Fatalf("Seal: %v", err)
	}
	return env, in
}

// wantDefect fails the test unless err carries defect want.
func wantDefect(t testing.TB, err error, want wire.Defect) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %s", want)
	}
	if got := wire.DefectOf(err); got != want {
		t.Fatalf("got defect %q (%v), want %q", got, err, want)
	}
}

// fieldOf returns the Field of the outermost wire error in err.
func fieldOf(err error) string {
	var e *wire.Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}
