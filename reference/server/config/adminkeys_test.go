package config

import (
	"strings"
	"testing"
)

// key is 32 bytes of unpadded base64url.
const key = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"

func TestOperatorKeys(t *testing.T) {
	tests := []struct {
		name    string
		entries []string
		want    int    // keys parsed
		wantErr string // a fragment of the error; "" for none
	}{
		// happy path
		{"none configured", nil, 0, ""},
		{"one key", []string{"ed25519:op1=" + key}, 1, ""},
		{"two keys", []string{"ed25519:op1=" + key, "ed25519:op2=" + key}, 2, ""},
		// sad path
		{"no key part", []string{"ed25519:op1"}, 0, "want ed25519:<id>=<base64url public key>"},
		{"not an ed25519 id", []string{"rsa:op1=" + key}, 0, "rsa:op1"},
		{"short key", []string{"ed25519:op1=AAAA"}, 0, "has 3 bytes, want 32"},
		{"not base64url", []string{"ed25519:op1=!!!"}, 0, "ed25519:op1"},
		{"an id twice", []string{"ed25519:op1=" + key, "ed25519:op1=" + key}, 0, "listed twice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Config{AdminKeys: tt.entries}.OperatorKeys()
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("got error %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("got error %v, want one containing %q", err, tt.wantErr)
			case len(got) != tt.want:
				t.Fatalf("got %d keys, want %d", len(got), tt.want)
			}
		})
	}
}

func FuzzOperatorKey(f *testing.F) {
	for _, seed := range []string{"ed25519:op1=" + key, "ed25519:op1", "=", "ed25519:=" + key, "ed25519:op1==" + key} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, entry string) {
		id, pub, err := parseOperatorKey(entry)
		if err != nil {
			return
		}
		if !strings.HasPrefix(id, "ed25519:") || len(pub) != 32 {
			t.Fatalf("accepted %q as %q with a %d-byte key", entry, id, len(pub))
		}
	})
}
