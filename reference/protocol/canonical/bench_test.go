package canonical

import (
	"encoding/base64"
	"fmt"
	"strings"
	"testing"
)

// envelopeJSON is an envelope as a server receives it: three recipients
// (80-byte wrapped keys) and a 2 KiB payload, pretty-printed and unsorted.
func envelopeJSON() []byte {
	b64 := base64.RawURLEncoding.EncodeToString
	var keys []string
	for _, who := range []string{"bob#b.test", "carol#c.test", "alice#a.test"} {
		keys = append(keys, fmt.Sprintf("    %q: %q", who, b64(make([]byte, 80))))
	}
	return []byte(fmt.Sprintf(`{
  "v": 1, "id": "01HZY3Q4T9ZK4W2X7E3N5C8B1D", "to": "bob#b.test", "from": "alice#a.test",
  "ts": 1700000000000, "ttl": 604800,
  "keys": {
%s
  },
  "payload": %q
}`, strings.Join(keys, ",\n"), b64(make([]byte, 2048))))
}

// BenchmarkTransformEnvelope canonicalises a typical envelope.
func BenchmarkTransformEnvelope(b *testing.B) {
	raw := envelopeJSON()
	b.SetBytes(int64(len(raw)))
	for b.Loop() {
		if _, err := Transform(raw); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkProtocolEnvelope adds the integer rule.
func BenchmarkProtocolEnvelope(b *testing.B) {
	raw := envelopeJSON()
	b.SetBytes(int64(len(raw)))
	for b.Loop() {
		if _, err := Protocol(raw); err != nil {
			b.Fatal(err)
		}
	}
}
