// Package resolve implements the resolver table of EMSG/1 (specification
// section 1, "The resolver table"): the map from domains to host:port that
// lets one machine run several EMSG domains. The conformance suite runs
// a.test, b.test and c.test on loopback or on a Docker network, and every
// implementation, server and client, must accept such a table
// (RESOLVE-ENV-01, RESOLVE-FILE-01). The reference server and client, the
// conformance harness and the load simulator all read theirs with this
// package.
//
// # Where a table comes from
//
// [FromEnv] reads the two sources the specification names and merges them:
//
//   - EMSG_RESOLVE, comma-separated "domain=host:port" entries, read by [Parse]:
//
//     EMSG_RESOLVE=a.test=127.0.0.1:7001,b.test=127.0.0.1:7002
//
//   - the file named by EMSG_RESOLVE_FILE, read by [LoadFile] (or [ParseFile]):
//     one "domain host:port" entry per line, the two fields separated by
//     spaces or tabs; "#" starts a comment that runs to the end of the line;
//     blank lines are ignored:
//
//     # three-domain lab
//     a.test   127.0.0.1:7001
//     b.test   127.0.0.1:7002   # the peer
//     c.test   [::1]:7003
//
// Neither source takes precedence: a domain may appear only once across
// both, so a domain in both is an error even when the entries agree.
// Programs that build a table themselves use [Table.With] and [Table.Merge],
// which follow the same rule.
//
// # What an entry may hold
//
// Parsing is strict, and the first bad entry is reported as an
// [*EntryError] naming it ("EMSG_RESOLVE entry 2", "lab.conf line 3"), with
// a kind callers can test with errors.Is. A program must refuse to start
// with it (RESOLVE-BAD-01).
//
//   - domain: an EMSG domain in canonical (lower-case) form, as checked by
//     address.ParseCanonicalDomain: "a.test" is valid; "A.test",
//     "localhost" and "a.test." are [ErrDomain].
//   - host: a DNS name ("localhost", "server-a", "emsg.lab"), an IPv4 address
//     ("127.0.0.1") or an IPv6 address in brackets ("[::1]", no zone);
//     anything else, such as "127.1" or "::1" without brackets, is [ErrHost].
//   - port: 1-65535 in decimal without leading zeros; "0", "07001", "http"
//     and "65536" are [ErrPort].
//   - a domain mapped twice, in one source or across both, is [ErrDuplicate].
//   - in EMSG_RESOLVE, an empty entry (",," or a trailing comma), white space
//     or an entry without exactly one "=" is [ErrSyntax]; so is a file line
//     with one field or more than two. An empty EMSG_RESOLVE is the empty
//     table.
//
// Here are the errors of a few bad entries:
//
//	EMSG_RESOLVE entry 2 "b.test=127.0.0.1:0": invalid port: 0 is outside 1-65535
//	EMSG_RESOLVE entry 1 "A.test=127.0.0.1:7001": invalid domain: bad_address: not_canonical: "A.test": write it in lower case, as "a.test"
//	lab.conf line 4 "c.test ::1:7003": invalid host: want host:port with an IPv6 host in brackets: address ::1:7003: too many colons in address
//	EMSG_RESOLVE entry 1 "a.test=127.0.0.1:7009": domain mapped twice: a.test is already mapped by lab.conf line 2 "a.test   127.0.0.1:7001"
//
// A [Table] prints itself back in either syntax ([Table.String],
// [Table.FileText]), so a deployment can print the table its clients need:
//
//	fmt.Printf("EMSG_RESOLVE=%s\n", table)
//
// # Reaching a domain
//
// A mapped domain is reached at its host:port with plain HTTP (http://,
// ws://) and with the domain itself in the Host header (RESOLVE-HTTP-01);
// any other domain with HTTPS and certificate verification
// (RESOLVE-TLS-01). The package keeps the domain in every URL and moves the
// mapping into the dialer:
//
//   - [Table.BaseURL], [Table.URL] and [Table.WebSocketURL] choose the scheme:
//     "http://a.test/..." for a mapped domain, "https://im.example.com/..."
//     otherwise.
//   - [Table.DialContext] (also [Table.NetDialContext] and [Table.Dialer])
//     connects "a.test:80" to a.test's mapped host:port and dials every
//     other address unchanged.
//   - [Table.Transport] wires the dialer into an http.Transport, and
//     [Table.Client] into an http.Client that also refuses plain HTTP to an
//     unmapped domain ([ErrPlainHTTP]) and never follows a redirect
//     ([ErrRedirect], ADDR-REDIRECT-01).
//
// With the table above:
//
//	client := table.Client(nil)
//	u, _ := table.URL("a.test", "/emsg/v1/health") // "http://a.test/emsg/v1/health"
//	resp, err := client.Get(u)                     // connects to 127.0.0.1:7001, sends "Host: a.test"
//
// For a WebSocket, give gorilla/websocket's Dialer the same dialer and a URL
// from [Table.WebSocketURL]; see [Table.NetDialContext].
//
// Tools that cannot take a dialer can still honour the table, for example
// curl --connect-to a.test:80:127.0.0.1:7001 http://a.test/emsg/v1/health.
//
// A [Table] never changes after it is made, so one value can be shared by
// every goroutine of a program.
package resolve
