package resolve

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
)

// hostEcho is a server that answers every request with the Host header it
// received, prefixed by name, so a test sees both which server answered and
// what Host it was sent.
func hostEcho(t *testing.T, name string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, name+" "+r.Host+" "+r.URL.RequestURI())
	}))
	t.Cleanup(srv.Close)
	return srv
}

// labTable maps each domain to the listener of its server.
func labTable(t *testing.T, servers map[string]*httptest.Server) Table {
	t.Helper()
	var table Table
	for domain, srv := range servers {
		var err error
		if table, err = table.With(domain, srv.Listener.Addr().String()); err != nil {
			t.Fatal(err)
		}
	}
	return table
}

// get fetches u with client and returns the body.
func get(t *testing.T, client *http.Client, u string) (string, error) {
	t.Helper()
	resp, err := client.Get(u)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return string(body), err
}

func TestClientReachesMappedDomainsByName(t *testing.T) {
	a, b := hostEcho(t, "server-a"), hostEcho(t, "server-b")
	table := labTable(t, map[string]*httptest.Server{"a.test": a, "b.test": b})
	client := table.Client(nil)

	tests := []struct {
		domain, path, want string
	}{
		{"a.test", "/emsg/v1/health", "server-a a.test /emsg/v1/health"},                       // a.test's server, Host: a.test
		{"b.test", "/emsg/v1/keys/bob%23b.test", "server-b b.test /emsg/v1/keys/bob%23b.test"}, // b.test's server, path as sent
	}
	for _, tt := range tests {
		u, err := table.URL(tt.domain, tt.path)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := get(t, client, u); err != nil || got != tt.want {
			t.Errorf("GET %s = %q, %v; want %q", u, got, err, tt.want)
		}
	}
}

func TestOneServerForSeveralDomainsSeesEachHost(t *testing.T) {
	srv := hostEcho(t, "shared")
	table := labTable(t, map[string]*httptest.Server{"a.test": srv, "b.test": srv})
	client := &http.Client{Transport: table.Transport(nil)} // the bare Transport, without the Client's checks
	for _, domain := range []string{"a.test", "b.test"} {
		want := "shared " + domain + " /"
		if got, err := get(t, client, "http://"+domain+"/"); err != nil || got != want {
			t.Errorf("GET http://%s/ = %q, %v; want %q", domain, got, err, want)
		}
	}
}

func TestClientRefusesPlainHTTPToUnmappedHosts(t *testing.T) {
	srv := hostEcho(t, "server-a")
	table := labTable(t, map[string]*httptest.Server{"a.test": srv})
	client := table.Client(nil)
	for _, u := range []string{
		"http://b.test/emsg/v1/health", // a domain not in the table
		srv.URL + "/emsg/v1/health",    // the mapped server by its IP address: not a mapped domain
	} {
		if _, err := get(t, client, u); !errors.Is(err, ErrPlainHTTP) {
			t.Errorf("GET %s: got %v, want ErrPlainHTTP", u, err)
		}
	}
}

func TestClientRefusesRedirects(t *testing.T) {
	var hits sync.Map
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Store(r.URL.Path, true)
		http.Redirect(w, r, "http://a.test/elsewhere", http.StatusFound)
	}))
	t.Cleanup(srv.Close)
	table := labTable(t, map[string]*httptest.Server{"a.test": srv})

	_, err := get(t, table.Client(nil), "http://a.test/.well-known/emsg")
	if !errors.Is(err, ErrRedirect) {
		t.Fatalf("got %v, want ErrRedirect", err)
	}
	if _, followed := hits.Load("/elsewhere"); followed {
		t.Error("the redirect was followed")
	}
}

func TestTransportSkipsProxyForMappedDomains(t *testing.T) {
	srv, proxy := hostEcho(t, "server-a"), hostEcho(t, "proxy")
	table := labTable(t, map[string]*httptest.Server{"a.test": srv})
	proxyURL, _ := url.Parse(proxy.URL)
	base := &http.Transport{Proxy: http.ProxyURL(proxyURL)}
	client := &http.Client{Transport: table.Transport(base)}

	if got, err := get(t, client, "http://a.test/x"); err != nil || got != "server-a a.test /x" {
		t.Errorf("mapped domain: got %q, %v; want the server, not the proxy", got, err)
	}
	if got, err := get(t, client, "http://b.test/x"); err != nil || !strings.HasPrefix(got, "proxy b.test") {
		t.Errorf("unmapped domain: got %q, %v; want the proxy", got, err)
	}
	if base.DialContext != nil {
		t.Error("Transport modified its base")
	}
}

func TestDialerRewritesOnlyMappedDomains(t *testing.T) {
	table := mustParse(t, "a.test=127.0.0.1:7001,c.test=[::1]:7003")
	tests := []struct {
		addr, want string
	}{
		{"a.test:80", "127.0.0.1:7001"},      // mapped, http port
		{"a.test:443", "127.0.0.1:7001"},     // mapped, any port: the table names the one place
		{"A.TEST:80", "127.0.0.1:7001"},      // case of a URL host
		{"c.test:80", "[::1]:7003"},          // IPv6 target, dialable as is
		{"b.test:443", "b.test:443"},         // unmapped: unchanged
		{"127.0.0.1:7001", "127.0.0.1:7001"}, // an IP address: unchanged
		{"a.test", "a.test"},                 // no port: unchanged, the fallback reports it
		{"[::1]:80", "[::1]:80"},             // IPv6 address: unchanged
	}
	for _, tt := range tests {
		var dialled []string
		fallback := func(_ context.Context, network, addr string) (net.Conn, error) {
			dialled = append(dialled, network+" "+addr)
			return nil, errors.New("not dialling in this test")
		}
		table.Dialer(fallback)(context.Background(), "tcp", tt.addr)
		if want := []string{"tcp " + tt.want}; !slices.Equal(dialled, want) {
			t.Errorf("dial %q: fallback got %v, want %v", tt.addr, dialled, want)
		}
	}
}

func TestDialContextConnects(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Write([]byte("hello"))
			c.Close()
		}
	}()
	table, err := Table{}.With("a.test", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	for name, dial := range map[string]DialFunc{"DialContext": table.DialContext, "NetDialContext": table.NetDialContext} {
		conn, err := dial(context.Background(), "tcp", "a.test:80")
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got, err := io.ReadAll(conn)
		conn.Close()
		if err != nil || string(got) != "hello" {
			t.Errorf("%s: read %q, %v; want hello from a.test's listener", name, got, err)
		}
	}
	// Sad path: a cancelled context is honoured by the fallback dialer.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := table.DialContext(ctx, "tcp", "a.test:80"); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled dial: got %v, want context.Canceled", err)
	}
}

func TestConcurrentUse(t *testing.T) {
	srv := hostEcho(t, "server-a")
	table := labTable(t, map[string]*httptest.Server{"a.test": srv})
	client := table.Client(nil)
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for i := range 16 {
		wg.Go(func() {
			if _, ok := table.Lookup("a.test"); !ok {
				errs <- errors.New("lookup failed")
			}
			more, err := table.With("b.test", "127.0.0.1:1")
			if err != nil || more.Len() != 2 || table.Len() != 1 {
				errs <- errors.New("With disturbed the shared table")
			}
			_ = table.String() + table.FileText()
			if i%4 == 0 {
				if got, err := get(t, client, "http://a.test/"); err != nil || got != "server-a a.test /" {
					errs <- errors.Join(errors.New("round trip failed: "+got), err)
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
