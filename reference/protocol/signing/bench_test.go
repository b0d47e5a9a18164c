package signing

import (
	"crypto/ed25519"
	"encoding/json"
	"testing"
	"time"
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
// ed25519.Verify on the same bundle, and reports each ratio, which stays
// meaningful on a loaded machine where absolute times do not.
func BenchmarkOverhead(b *testing.B) {
	priv, raw, input := benchSetup(b)
	pub := priv.Public().(ed25519.PublicKey)
	sig := ed25519.Sign(priv, input)
	var sign, bareSign, verify, bareVerify time.Duration
	for b.Loop() {
		start := time.Now()
		if _, err := Sign(benchBundle, priv); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		ed25519.Sign(priv, input)
		t2 := time.Now()
		if err := Verify(raw, pub); err != nil {
			b.Fatal(err)
		}
		t3 := time.Now()
		ed25519.Verify(pub, input, sig)
		t4 := time.Now()
		sign, bareSign, verify, bareVerify = sign+t1.Sub(start), bareSign+t2.Sub(t1), verify+t3.Sub(t2), bareVerify+t4.Sub(t3)
	}
	b.ReportMetric(float64(sign)/float64(bareSign), "sign/ed25519")
	b.ReportMetric(float64(verify)/float64(bareVerify), "verify/ed25519")
}
