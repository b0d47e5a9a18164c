package harness

// Backends is offered by every target: the address a domain's proxy
// forwards to, that is the server itself. A spec that must speak to the
// server with nothing in between uses it: the proxy reads a request's
// headers before it forwards anything, so a slow client
// (LIMIT-HEADER-01) would only ever meet the proxy.
type Backends interface {
	Backend(domain string) (hostport string, err error)
}

// Backend is the host:port domain's proxy forwards to now.
func (ps proxies) Backend(domain string) (string, error) {
	p, err := ps.proxy(domain)
	if err != nil {
		return "", err
	}
	return p.backend.Load().Host, nil
}
