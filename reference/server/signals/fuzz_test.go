package signals

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/emsg-project/emsg/reference/protocol/address"
)

// FuzzParse feeds client and federated signal bodies to their parsers:
// they never panic, and what they accept names its kinds and addresses.
func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"kind":"typing","to":"bob#b.test","state":"start"}`))
	f.Add([]byte(`{"kind":"presence","state":"away"}`))
	f.Add([]byte(`{"signal":{"kind":"presence","from":"bob#b.test","state":"away","last_seen":1},"to":["alice#a.test"]}`))
	f.Add([]byte(`{"signal":{},"to":[]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		if sig, err := parseRequest(address.MustParse("alice#a.test"), body); err == nil {
			if sig.Kind != "typing" && sig.Kind != "presence" || sig.Kind == "typing" && sig.To == nil {
				t.Fatalf("accepted %+v", sig)
			}
		}
		r := httptest.NewRequest("POST", FederationPath, strings.NewReader(string(body)))
		r.Header.Set("Content-Type", "application/json")
		if fs, err := parseFederated(r, body); err == nil && (len(fs.To) == 0 || fs.Signal.From.IsZero()) {
			t.Fatalf("accepted %+v", fs)
		}
	})
}
