package resolve_test

import (
	"fmt"
	"strings"

	"github.com/emsg-project/emsg/reference/resolve"
)

func ExampleParse() {
	table, err := resolve.Parse("b.test=127.0.0.1:7002,a.test=127.0.0.1:7001")
	if err != nil {
		fmt.Println(err)
		return
	}
	hostport, ok := table.Lookup("a.test")
	fmt.Println(hostport, ok)
	fmt.Println(table.Domains())
	fmt.Printf("EMSG_RESOLVE=%s\n", table)
	// Output:
	// 127.0.0.1:7001 true
	// [a.test b.test]
	// EMSG_RESOLVE=a.test=127.0.0.1:7001,b.test=127.0.0.1:7002
}

func ExampleParse_errors() {
	for _, s := range []string{
		"a.test=127.0.0.1:7001,b.test=127.0.0.1:0",
		"A.test=127.0.0.1:7001",
		"a.test=127.0.0.1:7001,a.test=127.0.0.1:7009",
	} {
		_, err := resolve.Parse(s)
		fmt.Println(err)
	}
	// Output:
	// EMSG_RESOLVE entry 2 "b.test=127.0.0.1:0": invalid port: 0 is outside 1-65535
	// EMSG_RESOLVE entry 1 "A.test=127.0.0.1:7001": invalid domain: bad_address: not_canonical: "A.test": write it in lower case, as "a.test"
	// EMSG_RESOLVE entry 2 "a.test=127.0.0.1:7009": domain mapped twice: a.test is already mapped by EMSG_RESOLVE entry 1 "a.test=127.0.0.1:7001"
}

func ExampleParseFile() {
	table, err := resolve.ParseFile(strings.NewReader(`# three-domain lab
a.test   127.0.0.1:7001
b.test   127.0.0.1:7002   # the peer
c.test   [::1]:7003
`))
	fmt.Println(table, err)
	_, err = resolve.ParseFile(strings.NewReader("a.test 127.0.0.1:7001\nc.test ::1:7003\n"))
	fmt.Println(err)
	// Output:
	// a.test=127.0.0.1:7001,b.test=127.0.0.1:7002,c.test=[::1]:7003 <nil>
	// line 2 "c.test ::1:7003": invalid host: want host:port with an IPv6 host in brackets: address ::1:7003: too many colons in address
}

func ExampleTable_URL() {
	table, _ := resolve.Parse("a.test=127.0.0.1:7001")
	mapped, _ := table.URL("a.test", "/emsg/v1/keys/alice%23a.test")
	unmapped, _ := table.URL("im.example.com", "/.well-known/emsg")
	ws, _ := table.WebSocketURL("a.test", "/emsg/v1/stream")
	fmt.Println(mapped)
	fmt.Println(unmapped)
	fmt.Println(ws)
	// Output:
	// http://a.test/emsg/v1/keys/alice%23a.test
	// https://im.example.com/.well-known/emsg
	// ws://a.test/emsg/v1/stream
}
