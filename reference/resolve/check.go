package resolve

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"

	"github.com/emsg-project/emsg/reference/protocol/address"
)

// maxHostLength is the longest DNS name a host may be, as for a domain.
const maxHostLength = 253

// checkEntry validates one domain and its host:port, returning the kind of
// failure ([ErrDomain], [ErrHost], [ErrPort]) and its detail.
func checkEntry(domain, hostport string) (kind, detail error) {
	if _, err := address.ParseCanonicalDomain(domain); err != nil {
		return ErrDomain, err
	}
	host, port, err := net.SplitHostPort(hostport)
	if err != nil {
		return ErrHost, fmt.Errorf("want host:port with an IPv6 host in brackets: %w", err)
	}
	if err := checkHost(host, hostport); err != nil {
		return ErrHost, err
	}
	if err := checkPort(port); err != nil {
		return ErrPort, err
	}
	return nil, nil
}

// checkHost accepts a bracketed IPv6 address (without a zone), an IPv4
// address in dotted-decimal form, or a DNS name; hostport is the text it
// came from, to tell a bracketed host from a bare one.
func checkHost(host, hostport string) error {
	switch {
	case host == "":
		return errors.New("the host is empty")
	case strings.HasPrefix(hostport, "["):
		return checkIPv6(host)
	case strings.Contains(host, ":"):
		return errors.New("an IPv6 address must be written in brackets")
	case looksNumeric(host):
		return checkIPv4(host)
	default:
		return checkHostname(host)
	}
}

// checkIPv6 accepts what came between the brackets: an IPv6 address without zone.
func checkIPv6(host string) error {
	ip, err := netip.ParseAddr(host)
	switch {
	case err != nil || !ip.Is6():
		return fmt.Errorf("[%s] is not an IPv6 address", host)
	case ip.Zone() != "":
		return fmt.Errorf("[%s]: an IPv6 zone is not allowed", host)
	}
	return nil
}

// checkIPv4 accepts a dotted-decimal IPv4 address (four parts, no leading zeros).
func checkIPv4(host string) error {
	if ip, err := netip.ParseAddr(host); err != nil || !ip.Is4() {
		return fmt.Errorf("%q is not an IPv4 address (a DNS name's last label is not all digits)", host)
	}
	return nil
}

// looksNumeric reports whether the last label of host is all digits, which
// only an IPv4 address may be.
func looksNumeric(host string) bool {
	last := host[strings.LastIndexByte(host, '.')+1:]
	return last != "" && strings.Trim(last, "0123456789") == ""
}

// checkHostname accepts a DNS name: labels of 1-63 letters, digits, "-" and
// "_" (Docker and Go's resolver accept "_"), not starting or ending with "-",
// joined by "." with no trailing dot, at most 253 characters. One label
// ("localhost", a Docker service name) is enough.
func checkHostname(host string) error {
	if len(host) > maxHostLength {
		return fmt.Errorf("host name is %d characters, at most %d", len(host), maxHostLength)
	}
	for i, label := range strings.Split(host, ".") {
		if err := checkHostLabel(label); err != nil {
			return fmt.Errorf("host name label %d: %w", i+1, err)
		}
	}
	return nil
}

// checkHostLabel applies the rules of one label of a host name.
func checkHostLabel(label string) error {
	switch {
	case label == "":
		return errors.New("empty (a leading, trailing or doubled dot)")
	case len(label) > address.MaxLabelLength:
		return fmt.Errorf("%d characters, at most %d", len(label), address.MaxLabelLength)
	case label[0] == '-' || label[len(label)-1] == '-':
		return fmt.Errorf("%q starts or ends with a hyphen", label)
	}
	for i := 0; i < len(label); i++ {
		if c := label[i]; !isHostChar(c) {
			return fmt.Errorf("character %q is not one of a-z A-Z 0-9 - _", c)
		}
	}
	return nil
}

func isHostChar(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_'
}

// checkPort accepts a decimal port 1-65535 written without sign or leading zeros.
func checkPort(port string) error {
	switch {
	case port == "":
		return errors.New("the port is empty")
	case strings.Trim(port, "0123456789") != "":
		return fmt.Errorf("%q is not a decimal number", port)
	case port[0] == '0' && len(port) > 1:
		return fmt.Errorf("%q: write the port without leading zeros", port)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return fmt.Errorf("%s is outside 1-65535", port)
	}
	return nil
}
