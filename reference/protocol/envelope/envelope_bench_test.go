package envelope

import (
	"crypto/ed25519"
	"fmt"
	"io"
	"runtime"
	"testing"
	"time"

	"golang.org/x/crypto/chacha20poly1305"
	"golang.org/x/crypto/nacl/box"
	"golang.org/x/crypto/nacl/secretbox"
	"golang.org/x/sys/unix"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// The benchmarks run each operation three ways, so that the overhead of
// this package is a ratio:
//
//   - envelope: the package's Seal / Open / Opener.Open;
//   - raw: the same cryptographic work done with the usual library calls
//     (ed25519, x/crypto nacl/box SealAnonymous/OpenAnonymous,
//     chacha20poly1305), on bytes prepared outside the loop;
//   - floor: the same work with the fewest X25519 multiplications crypto/ecdh
//     allows (two per sealed box, one per open with a loaded key), which is
//     what the package itself does.
//
// Compare with: go test -run '^$' -bench . -count 6 ./reference/protocol/envelope/

var benchSizes = []int{1, 10, 100}

const benchText = "Hello Bob! Are we still on for lunch tomorrow at noon? I found a new place near the station."

type benchFixture struct {
	alice     *account
	members   []*account
	readers   map[address.Address]*[32]byte
	env       *Envelope
	input     []byte // JCS(inner without sig)
	plaintext []byte // JCS(inner)
	sig       []byte
	signPub   ed25519.PublicKey
}

func newBenchFixture(b *testing.B, n int) *benchFixture {
	f := &benchFixture{alice: newAccount(b, "alice#a.test"), members: groupMembers(b, n)}
	f.readers = recipients(f.members...)
	env, in := seal(b, "bench", f.alice, f.members[0].addr, f.readers, benchText)
	f.env = env
	plain, err := in.MarshalJSON()
	if err != nil {
		b.Fatal(err)
	}
	f.plaintext = plain
	f.input = signingInput(b, in)
	f.sig = in.Sig
	f.signPub = f.alice.signPub()
	return f
}

func BenchmarkSeal(b *testing.B) {
	for _, n := range benchSizes {
		f := newBenchFixture(b, n)
		body := TextBody(benchText)
		b.Run(fmt.Sprintf("n=%d/envelope", n), func(b *testing.B) {
			deps := wire.Seeded("bench", testNow)
			sender := f.alice.sender()
			for b.Loop() {
				if _, _, err := Seal(deps, sender, f.members[0].addr, f.readers, body, Options{}); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("n=%d/raw", n), func(b *testing.B) {
			rand := wire.NewSeededReader("bench")
			for b.Loop() {
				rawSeal(b, rand, f, func(pub *[32]byte, key []byte) {
					if _, err := box.SealAnonymous(nil, key, pub, rand); err != nil {
						b.Fatal(err)
					}
				})
			}
		})
		b.Run(fmt.Sprintf("n=%d/floor", n), func(b *testing.B) {
			rand := wire.NewSeededReader("bench")
			for b.Loop() {
				rawSeal(b, rand, f, func(pub *[32]byte, key []byte) {
					var eph [32]byte
					mustRead(b, rand, eph[:])
					floorSealedBox(b, key, pub, &eph)
				})
			}
		})
	}
}

// rawSeal does Seal's cryptographic work: the random content key and
// nonce, one signature, one payload encryption, one sealed box per reader.
func rawSeal(b *testing.B, rand io.Reader, f *benchFixture, sealBox func(pub *[32]byte, key []byte)) {
	var key [32]byte
	var nonce [24]byte
	mustRead(b, rand, key[:])
	mustRead(b, rand, nonce[:])
	_ = ed25519.Sign(f.alice.sign, f.input)
	aead, err := chacha20poly1305.NewX(key[:])
	if err != nil {
		b.Fatal(err)
	}
	_ = aead.Seal(nonce[:], nonce[:], f.plaintext, nil)
	sealBox(&f.alice.boxPub, key[:])
	for _, m := range f.members {
		sealBox(&m.boxPub, key[:])
	}
}

// floorSealedBox is crypto_box_seal with one crypto/ecdh private key load
// (which computes the ephemeral public key) and one ECDH.
func floorSealedBox(b *testing.B, msg []byte, pub, eph *[32]byte) {
	priv, err := x25519.NewPrivateKey(eph[:])
	if err != nil {
		b.Fatal(err)
	}
	peer, err := x25519.NewPublicKey(pub[:])
	if err != nil {
		b.Fatal(err)
	}
	shared, err := priv.ECDH(peer)
	if err != nil {
		b.Fatal(err)
	}
	nonce, k := boxParams(shared, priv.PublicKey().Bytes(), pub[:])
	_ = secretbox.Seal(priv.PublicKey().Bytes(), msg, &nonce, &k)
}

func BenchmarkOpen(b *testing.B) {
	for _, n := range benchSizes {
		f := newBenchFixture(b, n)
		bob := f.members[0]
		sender := f.alice.signPub()
		b.Run(fmt.Sprintf("n=%d/envelope", n), func(b *testing.B) {
			for b.Loop() {
				if _, err := Open(f.env, bob.addr, &bob.boxPriv, sender); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("n=%d/raw", n), func(b *testing.B) {
			for b.Loop() {
				key, ok := box.OpenAnonymous(nil, f.env.Keys[bob.addr], &bob.boxPub, &bob.boxPriv)
				if !ok {
					b.Fatal("open key")
				}
				rawOpenPayload(b, f, key)
			}
		})
		opener, err := NewOpener(bob.addr, &bob.boxPriv)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("n=%d/opener", n), func(b *testing.B) {
			for b.Loop() {
				if _, err := opener.Open(f.env, sender); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("n=%d/opener-floor", n), func(b *testing.B) {
			for b.Loop() {
				key, ok := opener.key.open(f.env.Keys[bob.addr])
				if !ok {
					b.Fatal("open key")
				}
				rawOpenPayload(b, f, key)
			}
		})
	}
}

// rawOpenPayload decrypts the payload and verifies the signature over the
// signing input prepared outside the loop.
func rawOpenPayload(b *testing.B, f *benchFixture, key []byte) {
	aead, err := chacha20poly1305.NewX(key)
	if err != nil {
		b.Fatal(err)
	}
	p := f.env.Payload
	if _, err := aead.Open(nil, p[:NonceSize], p[NonceSize:], nil); err != nil {
		b.Fatal(err)
	}
	if !ed25519.Verify(f.signPub, f.input, f.sig) {
		b.Fatal("signature")
	}
}

func BenchmarkParseEnvelope(b *testing.B) {
	for _, n := range benchSizes {
		f := newBenchFixture(b, n)
		raw := mustMarshal(b, f.env)
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			b.SetBytes(int64(len(raw)))
			for b.Loop() {
				if _, err := ParseEnvelope(raw); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkMarshalEnvelope(b *testing.B) {
	f := newBenchFixture(b, 10)
	for b.Loop() {
		if _, err := f.env.MarshalJSON(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCPURatio measures Seal and Open and their raw primitives
// alternately in one loop, each by the CPU time of its own
// thread (CLOCK_THREAD_CPUTIME_ID), and reports the ratios. On a shared,
// loaded machine this is far steadier than comparing wall-clock results of
// separate benchmarks: time spent descheduled is not counted.
func BenchmarkCPURatio(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) { cpuRatio(b, n) })
	}
}

func cpuRatio(b *testing.B, n int) {
	f := newBenchFixture(b, n)
	bob := f.members[0]
	body := TextBody(benchText)
	deps := wire.Seeded("bench", testNow)
	rand := wire.NewSeededReader("bench")
	opener, err := NewOpener(bob.addr, &bob.boxPriv)
	if err != nil {
		b.Fatal(err)
	}
	ops := []struct {
		name string
		run  func()
	}{
		{"seal", func() {
			if _, _, err := Seal(deps, f.alice.sender(), bob.addr, f.readers, body, Options{}); err != nil {
				b.Fatal(err)
			}
		}},
		{"seal-raw", func() {
			rawSeal(b, rand, f, func(pub *[32]byte, key []byte) {
				if _, err := box.SealAnonymous(nil, key, pub, rand); err != nil {
					b.Fatal(err)
				}
			})
		}},
		{"seal-floor", func() {
			rawSeal(b, rand, f, func(pub *[32]byte, key []byte) {
				var eph [32]byte
				mustRead(b, rand, eph[:])
				floorSealedBox(b, key, pub, &eph)
			})
		}},
		{"open", func() {
			if _, err := Open(f.env, bob.addr, &bob.boxPriv, f.signPub); err != nil {
				b.Fatal(err)
			}
		}},
		{"open-raw", func() {
			key, ok := box.OpenAnonymous(nil, f.env.Keys[bob.addr], &bob.boxPub, &bob.boxPriv)
			if !ok {
				b.Fatal("open key")
			}
			rawOpenPayload(b, f, key)
		}},
		{"opener", func() {
			if _, err := opener.Open(f.env, f.signPub); err != nil {
				b.Fatal(err)
			}
		}},
		{"opener-floor", func() {
			key, ok := opener.key.open(f.env.Keys[bob.addr])
			if !ok {
				b.Fatal("open key")
			}
			rawOpenPayload(b, f, key)
		}},
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	total := make([]time.Duration, len(ops))
	for b.Loop() {
		for i, op := range ops {
			start := threadCPU(b)
			op.run()
			total[i] += threadCPU(b) - start
		}
	}
	per := func(name string) float64 {
		for i, op := range ops {
			if op.name == name {
				return float64(total[i]) / float64(b.N)
			}
		}
		b.Fatalf("no op %s", name)
		return 0
	}
	for _, op := range ops {
		b.ReportMetric(per(op.name)/1e3, op.name+"-µs")
	}
	b.ReportMetric(per("seal")/per("seal-raw"), "seal/raw")
	b.ReportMetric(per("seal")/per("seal-floor"), "seal/floor")
	b.ReportMetric(per("open")/per("open-raw"), "open/raw")
	b.ReportMetric(per("opener")/per("opener-floor"), "opener/floor")
}

func threadCPU(b *testing.B) time.Duration {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_THREAD_CPUTIME_ID, &ts); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ts.Nano())
}
