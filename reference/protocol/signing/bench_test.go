package signing

import (
	"crypto/ed25519"
	"encoding/json"
	"runtime"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// benchBundle is a key bundle as it travels (a rotated one, with both
// signatures), for measuring the cost of canonicalisation against the bare
// Ed25519 operations on the same canonical bytes.
var benchBundle = map[string]any{
	"address":  "alice#im.example.com",
	"sign_key": "ZKn9J1CLi9OAgK21bw73Ilm5-Gd8ZXnjMbuUbdliZyM",
	"box_key":  "07pkWPUE0TY-h1PUsLFLWFI-XjwZWuQG70aRRdpvP0M",
	"created":  1700000000000,
	"prev": map[string]any{
		"sign_key": "3MMT2xSwAv3inGrfEDCTnFb95E8342gb9HDSpjQ",
		"sig":      "BW3cKttCatO07xZd0leVDCXyxupRQo7_8IqOWS3j_eJgmr5YRYDgK_Fo2zj56Cvb9_-Yv2xctMLc0QEmZbEsCA",
	},
}

// benchSetup returns the key, the signed raw bundle and its signing input.
func benchSetup(b *testing.B) (ed25519.PrivateKey, []byte, []byte) {
	priv := testKey("bench")
	sig, err := Sign(benchBundle, priv)
	if err != nil {
		b.Fatal(err)
	}
	signed := map[string]any{"sig": sig}
	for k, v := range benchBundle {
		signed[k] = v
	}
	raw, err := json.Marshal(signed)
	if err != nil {
		b.Fatal(err)
	}
	input, err := Input(raw)
	if err != nil {
		b.Fatal(err)
	}
	return priv, raw, input
}

// BenchmarkSignBundle is Sign: encode, canonicalise, drop sig, Ed25519.
func BenchmarkSignBundle(b *testing.B) {
	priv, _, _ := benchSetup(b)
	for b.Loop() {
		if _, err := Sign(benchBundle, priv); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEd25519Sign is the bare signature over the same canonical input.
func BenchmarkEd25519Sign(b *testing.B) {
	priv, _, input := benchSetup(b)
	for b.Loop() {
		ed25519.Sign(priv, input)
	}
}

// BenchmarkVerifyBundle is Verify of the received bytes.
func BenchmarkVerifyBundle(b *testing.B) {
	priv, raw, _ := benchSetup(b)
	pub := priv.Public().(ed25519.PublicKey)
	for b.Loop() {
		if err := Verify(raw, pub); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEd25519Verify is the bare verification of the same input.
func BenchmarkEd25519Verify(b *testing.B) {
	priv, raw, input := benchSetup(b)
	pub := priv.Public().(ed25519.PublicKey)
	sig := ed25519.Sign(priv, input) // the signature inside raw
	_ = raw
	for b.Loop() {
		if !ed25519.Verify(pub, input, sig) {
			b.Fatal("does not verify")
		}
	}
}

// BenchmarkInput is the signing input alone (canonicalise, drop sig, again).
func BenchmarkInput(b *testing.B) {
	_, raw, _ := benchSetup(b)
	for b.Loop() {
		if _, err := Input(raw); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkOverhead interleaves Sign with ed25519.Sign and Verify with
// ed25519.Verify on the same bundle, timed by the wall clock, and reports
// each ratio, which stays meaningful on a loaded machine where absolute
// times do not.
func BenchmarkOverhead(b *testing.B) {
	overhead(b, func(*testing.B) time.Duration { return time.Duration(time.Now().UnixNano()) })
}

// BenchmarkCPUOverhead is BenchmarkOverhead timed by the CPU time of the
// benchmark's thread, which does not count time spent descheduled.
func BenchmarkCPUOverhead(b *testing.B) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	overhead(b, threadCPU)
}

// overhead runs the four operations in turn, each timed by clock (less
// the cost of reading it, measured around nothing in the same loop), and
// reports the time of each and the two ratios.
func overhead(b *testing.B, clock func(*testing.B) time.Duration) {
	priv, raw, input := benchSetup(b)
	pub := priv.Public().(ed25519.PublicKey)
	sig := ed25519.Sign(priv, input)
	ops := []func(){
		func() {
			if _, err := Sign(benchBundle, priv); err != nil {
				b.Fatal(err)
			}
		},
		func() { ed25519.Sign(priv, input) },
		func() {
			if err := Verify(raw, pub); err != nil {
				b.Fatal(err)
			}
		},
		func() {
			if !ed25519.Verify(pub, input, sig) {
				b.Fatal("does not verify")
			}
		},
		func() {}, // the cost of reading the clock
	}
	total := make([]time.Duration, len(ops))
	for b.Loop() {
		for i, op := range ops {
			start := clock(b)
			op()
			total[i] += clock(b) - start
		}
	}
	per := func(i int) float64 { return float64(total[i]-total[len(ops)-1]) / float64(b.N) }
	for i, name := range []string{"sign", "ed25519.Sign", "verify", "ed25519.Verify"} {
		b.ReportMetric(per(i)/1e3, name+"-µs")
	}
	b.ReportMetric(per(0)/per(1), "sign/ed25519")
	b.ReportMetric(per(2)/per(3), "verify/ed25519")
}

// threadCPU returns the CPU time consumed by the calling thread.
func threadCPU(b *testing.B) time.Duration {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_THREAD_CPUTIME_ID, &ts); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ts.Nano())
}
