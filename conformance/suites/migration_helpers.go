package suites

import (
	"context"
	"encoding/json"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/emsg-project/emsg/conformance/probe"
	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/keys"
)

// Migration is the suite of the migration profile: export, import, move
// and delete.
const Migration Suite = "migration"

// contact is one entry of GET /contacts.
type contact struct {
	Address string       `json:"address"`
	State   string       `json:"state"`
	Bundle  *keys.Bundle `json:"bundle"`
}

// Contacts lists a's contacts by address.
func (w *World) Contacts(ctx context.Context, a *probe.Account) map[string]contact {
	GinkgoHelper()
	r := w.Call(ctx, a, "GET", "/emsg/v1/contacts", nil)
	ExpectStatus(r, 200)
	var list struct {
		Contacts []contact `json:"contacts"`
	}
	Expect(r.Decode(&list)).To(Succeed())
	out := map[string]contact{}
	for _, c := range list.Contacts {
		out[c.Address] = c
	}
	return out
}

// stateOf is the state of addr among a's contacts ("" for none).
func (w *World) stateOf(ctx context.Context, a *probe.Account, addr address.Address) string {
	return w.Contacts(ctx, a)[addr.String()].State
}

// Friends makes a and b accepted contacts on both sides, across domains
// too: b accepts a's request, and a's server learns of it.
func (w *World) Friends(ctx context.Context, a, b *probe.Account) {
	GinkgoHelper()
	w.Befriend(ctx, a, b)
	Eventually(ctx, func() string { return w.stateOf(ctx, a, b.Addr) }).WithTimeout(scale(deliveryTimeout)).WithPolling(25*time.Millisecond).
		Should(Equal("accepted"), "%s learns that %s accepted", a.Addr, b.Addr)
}

// errorWithMove is an error answer's code and moved_to.
type errorWithMove struct {
	Error   string `json:"error"`
	MovedTo string `json:"moved_to"`
}

// ExpectMoved fails the spec unless r is a moved error naming to.
func ExpectMoved(r *probe.Response, to address.Address) {
	GinkgoHelper()
	ExpectError(r, "moved")
	var e errorWithMove
	Expect(r.Decode(&e)).To(Succeed())
	Expect(e.MovedTo).To(Equal(to.String()), "moved_to of %s", r.Body)
}

// noticeEvent waits on s for an event of kind (moved or deleted) and
// returns its notice.
func noticeEvent(ctx context.Context, s *probe.Stream, kind string) map[string]any {
	GinkgoHelper()
	f := NextEvent(ctx, s, kind)
	var ev struct {
		Notice map[string]any `json:"notice"`
	}
	Expect(f.EventInto(&ev)).To(Succeed())
	return ev.Notice
}

// request is a contact request from a to b, as a map for the client API.
func request(from *probe.Account, to address.Address) map[string]any {
	return map[string]any{"to": to, "bundle": from.Bundle()}
}

// createGroup makes a group a owns and returns its address, or skips the
// spec when a's server does not offer groups.
func (w *World) createGroup(ctx context.Context, a *probe.Account) address.Address {
	GinkgoHelper()
	if !w.Features(ctx, a.Addr.Domain)["groups"] {
		Skip(a.Addr.Domain + " does not offer groups")
	}
	r := w.Call(ctx, a, "POST", "/emsg/v1/groups", map[string]any{"name": "lifecycle"})
	ExpectStatus(r, 201)
	var g struct {
		Address address.Address `json:"address"`
	}
	Expect(r.Decode(&g)).To(Succeed())
	return g.Address
}

// joinGroup has owner invite member to g and member join, and waits
// until member can read the group.
func (w *World) joinGroup(ctx context.Context, owner, member *probe.Account, g address.Address) {
	GinkgoHelper()
	path := "/emsg/v1/groups/" + probe.PathOf(g)
	ExpectStatus(w.Call(ctx, owner, "POST", path+"/invites", map[string]any{"address": member.Addr}), 202)
	Eventually(ctx, func() int {
		if r := w.Call(ctx, member, "GET", path, nil); r.Status == 200 {
			return 200
		}
		w.Call(ctx, member, "POST", path+"/join", nil)
		return 0
	}).WithTimeout(scale(10*time.Second)).Should(Equal(200), "%s joins %s", member.Addr, g)
}

// members lists the members of g as reader sees it (nil if reader cannot
// read it).
func (w *World) members(ctx context.Context, reader *probe.Account, g address.Address) []string {
	GinkgoHelper()
	r := w.Call(ctx, reader, "GET", "/emsg/v1/groups/"+probe.PathOf(g), nil)
	if r.Status != 200 {
		return nil
	}
	var grp struct {
		Members []struct {
			Address string `json:"address"`
		} `json:"members"`
	}
	Expect(r.Decode(&grp)).To(Succeed())
	out := []string{}
	for _, m := range grp.Members {
		out = append(out, m.Address)
	}
	return out
}

// raw is v as JSON, for comparing answers.
func raw(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// mustAddress parses a canonical address.
func mustAddress(s string) address.Address {
	GinkgoHelper()
	a, err := address.ParseCanonical(s)
	Expect(err).NotTo(HaveOccurred())
	return a
}
