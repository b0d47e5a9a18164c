package resolve

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/emsg-project/emsg/reference/protocol/address"
)

// BaseURL returns the origin at which the server of domain is reached:
// "http://a.test" when the table maps the domain (plain HTTP is allowed only
// there, RESOLVE-HTTP-01) and "https://im.example.com" otherwise
// (RESOLVE-TLS-01). The host of the URL is always the domain itself, never
// the mapped host:port, so the request carries the domain in its Host
// header; it is [Table.DialContext] (wired in by [Table.Transport] and
// [Table.Client]) that connects to the mapped host:port. The domain is case
// folded; one that breaks the address grammar is an error.
func (t Table) BaseURL(domain string) (string, error) {
	return t.origin(domain, "http", "https")
}

// URL returns [Table.BaseURL] followed by path, the request target as it is
// sent: it starts with "/", it is already percent-encoded ("%23" for the "#"
// of an address) and may end in a query.
//
//	t.URL("b.test", "/emsg/v1/keys/bob%23b.test") // "http://b.test/emsg/v1/keys/bob%23b.test" when mapped
func (t Table) URL(domain, path string) (string, error) {
	base, err := t.BaseURL(domain)
	if err != nil {
		return "", err
	}
	if err := checkTarget(path); err != nil {
		return "", fmt.Errorf("url for %s: %w", domain, err)
	}
	return base + path, nil
}

// WebSocketURL is [Table.URL] for a WebSocket: "ws://" for a mapped domain,
// "wss://" otherwise.
func (t Table) WebSocketURL(domain, path string) (string, error) {
	base, err := t.origin(domain, "ws", "wss")
	if err != nil {
		return "", err
	}
	if err := checkTarget(path); err != nil {
		return "", fmt.Errorf("url for %s: %w", domain, err)
	}
	return base + path, nil
}

// origin returns plain://domain for a mapped domain and secure://domain otherwise.
func (t Table) origin(domain, plain, secure string) (string, error) {
	d, err := address.ParseDomain(domain)
	if err != nil {
		return "", fmt.Errorf("url: %w", err)
	}
	if _, ok := t.Lookup(d); ok {
		return plain + "://" + d, nil
	}
	return secure + "://" + d, nil
}

// checkTarget accepts an origin-form request target: "/" then an escaped
// path, optionally "?query"; never a fragment.
func checkTarget(path string) error {
	switch {
	case !strings.HasPrefix(path, "/") || strings.HasPrefix(path, "//"):
		return fmt.Errorf("path %s must start with a single \"/\"", quote(path))
	case strings.Contains(path, "#"):
		return fmt.Errorf("path %s contains \"#\": write the \"#\" of an address as %%23", quote(path))
	case strings.IndexFunc(path, func(c rune) bool { return c <= ' ' || c >= 0x7f }) >= 0:
		return fmt.Errorf("path %s has a space, control or non-ASCII character: percent-encode it", quote(path))
	}
	u, err := url.ParseRequestURI(path)
	if err != nil || u.Host != "" || u.Scheme != "" {
		return errors.Join(fmt.Errorf("path %s is not a request target", quote(path)), err)
	}
	return nil
}
