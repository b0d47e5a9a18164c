package fedsig

import (
	"context"
	"crypto/ed25519"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// TestSigningInputFormat pins the exact bytes that are signed, as an
// implementer in another language would compute them by hand.
func TestSigningInputFormat(t *testing.T) {
	got, err := SigningInput("POST", "/emsg/v1/federation/inbox", "a.test", "b.test", "ed25519:k1", 1700000000000, nil)
	if err != nil {
		t.Fatalf("SigningInput: %v", err)
	}
	// SHA-256 of the empty string, unpadded base64url.
	const emptyDigest = "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU"
	want := `{"destination":"b.test","digest":"` + emptyDigest + `","key":"ed25519:k1","method":"POST",` +
		`"origin":"a.test","target":"/emsg/v1/federation/inbox","ts":1700000000000}`
	if string(got) != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

// TestSignDeterministic checks that the same seed and clock give the same
// key and the same header, and that another seed gives another key.
func TestSignDeterministic(t *testing.T) {
	run := func(seed string) string {
		deps := wire.Seeded(seed, now)
		k, err := NewServerKey(deps, "ed25519:k1")
		if err != nil {
			t.Fatalf("NewServerKey: %v", err)
		}
		h, err := Sign(deps, k, "POST", inbox, "a.test", "b.test", []byte("{}"))
		if err != nil {
			t.Fatalf("Sign: %v", err)
		}
		return h
	}
	if a, b := run("det"), run("det"); a != b {
		t.Errorf("same seed, different headers:\n%s\n%s", a, b)
	}
	if a, b := run("det"), run("other"); a == b {
		t.Errorf("different seeds, same header %s", a)
	}
}

// TestSignRequestOverHTTP sends a signed request through net/http and
// verifies it on the server side, so the target the client signs is the
// request-target the server receives, percent-encoding included.
func TestSignRequestOverHTTP(t *testing.T) {
	k := testKey(t, "a.test k1", "ed25519:k1")
	v := Verifier{Self: "b.test", Keys: StaticKeys{}.Add("a.test", k)}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if _, err := v.VerifyRequest(context.Background(), now, r, body); err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	body := []byte(`{"items":[]}`)
	req, err := http.NewRequest("POST", srv.URL+"/emsg/v1/federation/keys/alice%23a.test?q=%2F", strings.NewReader(string(body)))
	if err != nil {
		t.Fatal(err)
	}
	if err := SignRequest(wire.Seeded("http", now), k, "a.test", "b.test", req, body); err != nil {
		t.Fatalf("SignRequest: %v", err)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	msg, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		t.Errorf("got status %d (%s), want 204", resp.StatusCode, msg)
	}
}

func TestVerifyRequestHeaderCount(t *testing.T) {
	k := testKey(t, "a.test k1", "ed25519:k1")
	v := Verifier{Self: "b.test", Keys: StaticKeys{}.Add("a.test", k)}
	tests := []struct {
		name    string
		headers []string
	}{
		// sad path
		{"no Authorization header", nil},
		{"two Authorization headers", []string{"x", "y"}},
	}
	for _, tt := range tests {
		r := httptest.NewRequest("POST", inbox, nil)
		r.Header["Authorization"] = tt.headers
		if _, err := v.VerifyRequest(context.Background(), now, r, nil); wire.DefectOf(err) != wire.Malformed {
			t.Errorf("%s: got %v, want malformed", tt.name, err)
		}
	}
}

// TestSignatureMatchesRawEd25519 checks the header's signature against
// crypto/ed25519 directly over the documented signing input.
func TestSignatureMatchesRawEd25519(t *testing.T) {
	k := testKey(t, "raw", "ed25519:k1")
	h, err := Sign(wire.Seeded("raw", now), k, "GET", "/x", "a.test", "b.test", nil)
	if err != nil {
		t.Fatal(err)
	}
	p, err := ParseAuthorization(h)
	if err != nil {
		t.Fatal(err)
	}
	in, err := SigningInput("GET", "/x", "a.test", "b.test", "ed25519:k1", p.TS, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !ed25519.Verify(k.Public(), in, p.Sig) {
		t.Error("ed25519.Verify rejected the header's signature")
	}
	if p.TS != wire.ToMillis(now) {
		t.Errorf("got ts %d, want the signer's clock %d", p.TS, wire.ToMillis(now))
	}
}
