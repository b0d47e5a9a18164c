package harness

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestProxyCutsOffAndRestores checks the proxy keeps the Host header,
// fails requests while cut off and forwards them again once restored.
func TestProxyCutsOffAndRestores(t *testing.T) {
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, r.Host)
	}))
	defer backend.Close()
	p, err := NewProxy(backend.Listener.Addr().String(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	get := func() (string, error) {
		req, _ := http.NewRequest("GET", "http://"+p.Addr()+"/", nil)
		req.Host = "a.test"
		resp, err := (&http.Client{Transport: &http.Transport{DisableKeepAlives: true}}).Do(req)
		if err != nil {
			return "", err
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b), nil
	}
	if host, err := get(); err != nil || host != "a.test" {
		t.Fatalf("before the cut: got %q, %v, want the Host a.test", host, err)
	}
	p.CutOff()
	if _, err := get(); err == nil {
		t.Fatal("cut off: a request got an answer")
	}
	p.Restore()
	if host, err := get(); err != nil || host != "a.test" {
		t.Fatalf("restored: got %q, %v", host, err)
	}
}
