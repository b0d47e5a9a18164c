package suites

import (
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/emsg-project/emsg/conformance/probe"
)

var _ = Describe("Group requests that break their schema", func() {
	Conformance(Groups, "refuses malformed group requests before accepting them, with bad_request or bad_address, and changes nothing", Reqs("ENC-CLOSED-01", "ADDR-SYNTAX-01", "ADDR-LOCAL-01", "API-JSON-01", "ERR-STATE-01", "GROUP-ACCEPT-01"), func(ctx SpecContext, w *World) {
		alice := w.Register(ctx, w.A(), "alice")
		g := w.NewGroup(ctx, alice, "Strict")
		before := w.ReadGroup(ctx, alice, g)
		path := probe.GroupPath(g, "")
		for _, tc := range []struct {
			name, method, path, ctype, body, code string
		}{
			{"a group without a name", "POST", "/emsg/v1/groups", "application/json", `{}`, "bad_request"},
			{"an empty name", "POST", "/emsg/v1/groups", "application/json", `{"name":""}`, "bad_request"},
			{"an unknown member", "POST", "/emsg/v1/groups", "application/json", `{"name":"x","colour":"blue"}`, "bad_request"},
			{"a local part outside the grammar", "POST", "/emsg/v1/groups", "application/json", `{"name":"x","local":"-team-"}`, "bad_address"},
			{"a body that is not JSON by its content type", "POST", "/emsg/v1/groups", "text/plain", `{"name":"x"}`, "bad_request"},
			{"a name over 256 characters", "PATCH", path, "application/json", `{"name":"` + strings.Repeat("n", 257) + `"}`, "bad_request"},
			{"an invitation of something that is not an address", "POST", path + "/invites", "application/json", `{"address":"bob@b.test"}`, "bad_address"},
			{"an invitation without an address", "POST", path + "/invites", "application/json", `{}`, "bad_request"},
			{"an unknown role", "PUT", probe.GroupPath(g, "/members/"+probe.PathOf(alice.Addr)+"/role"), "application/json", `{"role":"king"}`, "bad_request"},
			{"a group path that is not an address", "POST", "/emsg/v1/groups/no-hash-here/join", "", "", "bad_address"},
		} {
			By(tc.name)
			r, err := alice.Raw(ctx, tc.method, tc.path, tc.ctype, []byte(tc.body))
			Expect(err).NotTo(HaveOccurred())
			ExpectError(r, tc.code)
		}
		Expect(w.ReadGroup(ctx, alice, g)).To(Equal(before), "no refused request changed the group")
		r := w.Call(ctx, alice, "GET", "/emsg/v1/groups", nil)
		ExpectStatus(r, 200)
		Expect(strings.Count(string(r.Body), `"address":"`+alice.Addr.String()+`"`)).To(Equal(1), "no refused creation made a group")
	})
})
