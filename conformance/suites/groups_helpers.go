package suites

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/oklog/ulid/v2"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/emsg-project/emsg/conformance/fakepeer"
	"github.com/emsg-project/emsg/conformance/probe"
	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/keys"
)

// Groups is the suite of the groups profile (section 6).
const Groups Suite = "groups"

// NewGroup creates a group owned by owner and returns its address.
func (w *World) NewGroup(ctx context.Context, owner *probe.Account, name string) address.Address {
	GinkgoHelper()
	r, err := owner.CreateGroup(ctx, name, "")
	Expect(err).NotTo(HaveOccurred(), "create a group on %s", owner.Addr.Domain)
	ExpectStatus(r, 201)
	var g probe.Group
	Expect(r.Decode(&g)).To(Succeed())
	addr, err := address.ParseCanonical(g.Address)
	Expect(err).NotTo(HaveOccurred(), "the new group's address %q", g.Address)
	return addr
}

// Act sends a group-changing operation and expects it accepted: 202 with
// a new ULID naming the request (GROUP-ACCEPT-01). It returns the id.
func (w *World) Act(ctx context.Context, a *probe.Account, g address.Address, op probe.GroupOp) string {
	GinkgoHelper()
	r, err := a.Act(ctx, g, op)
	Expect(err).NotTo(HaveOccurred(), "%s on %s", op.Name, g)
	ExpectStatus(r, 202)
	var acc struct {
		ID string `json:"id"`
	}
	Expect(r.Decode(&acc)).To(Succeed())
	_, err = ulid.ParseStrict(acc.ID)
	Expect(err).NotTo(HaveOccurred(), "the request id %q of a %s is a ULID", acc.ID, op.Name)
	return acc.ID
}

// ReadGroup reads g as a's server knows it, expecting 200.
func (w *World) ReadGroup(ctx context.Context, a *probe.Account, g address.Address) probe.Group {
	GinkgoHelper()
	r, err := a.ReadGroup(ctx, g)
	Expect(err).NotTo(HaveOccurred())
	ExpectStatus(r, 200)
	var out probe.Group
	Expect(r.Decode(&out)).To(Succeed())
	return out
}

// roleSeen is the role of who in g as viewer's server shows it ("" when
// viewer may not read g, or who is no member).
func (w *World) roleSeen(ctx context.Context, viewer *probe.Account, g address.Address, who address.Address) string {
	r, err := viewer.ReadGroup(ctx, g)
	if err != nil || r.Status != 200 {
		return ""
	}
	var out probe.Group
	if r.Decode(&out) != nil {
		return ""
	}
	return out.Role(who)
}

// AddMember makes each member a member of g: owner (an account of g's
// host, so that the invitation is recorded before its 202) invites, the
// member joins, and the spec waits until the member's own server shows the
// membership (the host applied the join; a remote member's server
// mirrors the group, so that its posts are forwarded).
func (w *World) AddMember(ctx context.Context, g address.Address, owner *probe.Account, members ...*probe.Account) {
	GinkgoHelper()
	for _, m := range members {
		w.Act(ctx, owner, g, probe.Invite(m.Addr))
		w.Act(ctx, m, g, probe.Join())
		Eventually(ctx, func() string { return w.roleSeen(ctx, m, g, m.Addr) }).WithTimeout(scale(eventTimeout)).WithPolling(100*time.Millisecond).Should(Equal("member"), "%s joins %s", m.Addr, g)
	}
}

// NextGroupEvent waits for the next group event of g and kind on s,
// skipping other frames and events.
func NextGroupEvent(ctx context.Context, s *probe.Stream, g address.Address, kind string) probe.GroupEvent {
	GinkgoHelper()
	var got probe.GroupEvent
	Eventually(ctx, func() bool {
		for {
			f, ok := s.Poll()
			if !ok {
				return false
			}
			if ev, ok := f.GroupEvent(); ok && ev.Group == g.String() && ev.Kind == kind {
				got = ev
				return true
			}
		}
	}).WithTimeout(scale(eventTimeout)).WithPolling(5*time.Millisecond).Should(BeTrue(), "a %s event of %s", kind, g)
	return got
}

// GroupEvents collects the group events of g on s, skipping other frames,
// until one has seq last.
func GroupEvents(ctx context.Context, s *probe.Stream, g address.Address, last uint64) []probe.GroupEvent {
	GinkgoHelper()
	var got []probe.GroupEvent
	Eventually(ctx, func() bool {
		for {
			f, ok := s.Poll()
			if !ok {
				return false
			}
			if ev, ok := f.GroupEvent(); ok && ev.Group == g.String() {
				got = append(got, ev)
				if ev.Seq == last {
					return true
				}
			}
		}
	}).WithTimeout(scale(eventTimeout)).WithPolling(5*time.Millisecond).Should(BeTrue(), "the events of %s up to seq %d", g, last)
	return got
}

// ExpectRefused waits for the group_refused event of request id on s and
// checks its group, op and code (GROUP-REFUSED-02).
func ExpectRefused(ctx context.Context, s *probe.Stream, g address.Address, id, op, code string) {
	GinkgoHelper()
	var got probe.GroupRefused
	Eventually(ctx, func() bool {
		for {
			f, ok := s.Poll()
			if !ok {
				return false
			}
			if r, ok := f.GroupRefused(); ok && r.ID == id {
				got = r
				return true
			}
		}
	}).WithTimeout(scale(eventTimeout)).WithPolling(5*time.Millisecond).Should(BeTrue(), "a group_refused event for request %s (%s)", id, op)
	Expect(got.Group).To(Equal(g.String()), "group_refused names the group")
	Expect(got.Op).To(Equal(op), "group_refused names the op")
	Expect(got.Error).To(Equal(code), "got group_refused %s for the %s, want %s", got.Error, op, code)
}

// NoGroupEvent fails the spec if a group event of g arrives on s within
// the quiet period.
func NoGroupEvent(ctx context.Context, s *probe.Stream, g address.Address) {
	GinkgoHelper()
	Consistently(ctx, func() string {
		for {
			f, ok := s.Poll()
			if !ok {
				return ""
			}
			if ev, ok := f.GroupEvent(); ok && ev.Group == g.String() {
				return string(f.Raw)
			}
		}
	}).WithTimeout(scale(quietPeriod)).WithPolling(20*time.Millisecond).Should(BeEmpty(), "no event of %s", g)
}

// PostGroup seals text from a to g for the readers and posts it; it
// returns the envelope's id and bytes as sent, and the answer.
func (w *World) PostGroup(ctx context.Context, from *probe.Account, g address.Address, readers []keys.Bundle, text string) (string, []byte, *probe.Response) {
	GinkgoHelper()
	env, err := from.SealGroup(g, readers, text)
	Expect(err).NotTo(HaveOccurred())
	raw, err := json.Marshal(env)
	Expect(err).NotTo(HaveOccurred())
	return env.ID, raw, w.Call(ctx, from, "POST", "/emsg/v1/messages", env)
}

// bundles lists the accounts' bundles.
func bundles(as ...*probe.Account) []keys.Bundle {
	out := make([]keys.Bundle, 0, len(as))
	for _, a := range as {
		out = append(out, a.Bundle())
	}
	return out
}

// NextEnvelope waits for the envelope event of id on s and returns the
// envelope as delivered.
func NextEnvelope(ctx context.Context, s *probe.Stream, id string) json.RawMessage {
	GinkgoHelper()
	var got json.RawMessage
	Eventually(ctx, func() bool {
		for {
			f, ok := s.Poll()
			if !ok {
				return false
			}
			var ev struct {
				Envelope json.RawMessage `json:"envelope"`
			}
			var head struct {
				ID string `json:"id"`
			}
			if f.Type == "event" && f.Kind() == "envelope" && f.EventInto(&ev) == nil && json.Unmarshal(ev.Envelope, &head) == nil && head.ID == id {
				got = ev.Envelope
				return true
			}
		}
	}).WithTimeout(scale(eventTimeout)).WithPolling(5*time.Millisecond).Should(BeTrue(), "the envelope %s", id)
	return got
}

// peerAccount makes an account of the fake peer's domain.
func peerAccount(w *World, peer *fakepeer.Peer, prefix string) *probe.Account {
	GinkgoHelper()
	id, err := peer.NewAccount(probe.FreshLocal(prefix))
	Expect(err).NotTo(HaveOccurred())
	return &probe.Account{P: w.P, ID: id, Addr: id.Address()}
}

// groupRequest is a group_request item from actor (fed-item.json).
func groupRequest(g, actor address.Address, op string, extra map[string]any) map[string]any {
	item := map[string]any{"kind": "group_request", "id": ulid.Make().String(), "group": g, "actor": actor, "op": op}
	for k, v := range extra {
		item[k] = v
	}
	return item
}

// peerSend sends items from the peer to domain in one transaction and
// returns the per-item results.
func peerSend(ctx context.Context, w *World, peer *fakepeer.Peer, domain string, items ...any) []fakepeer.ItemResult {
	GinkgoHelper()
	txn, err := peer.Transaction(domain, items...)
	Expect(err).NotTo(HaveOccurred())
	r, err := peer.Send(ctx, w.P, txn, fakepeer.SendOptions{})
	Expect(err).NotTo(HaveOccurred())
	ExpectStatus(r, 200)
	res, err := fakepeer.Results(r)
	Expect(err).NotTo(HaveOccurred())
	Expect(res).To(HaveLen(len(items)))
	return res
}

// sentItem is one item the server under test sent the fake peer, with
// the transaction that carried it.
type sentItem struct {
	Txn  string
	Item map[string]any
}

// itemsOf lists the items of kind the peer received, in order, whose
// member key equals value ("" for all of the kind).
func itemsOf(peer *fakepeer.Peer, kind, key, value string) []sentItem {
	var out []sentItem
	for _, r := range peer.Received() {
		for _, raw := range r.Items {
			var m map[string]any
			if json.Unmarshal(raw, &m) != nil || m["kind"] != kind {
				continue
			}
			if key != "" && fmt.Sprint(m[key]) != value {
				continue
			}
			out = append(out, sentItem{Txn: r.Txn, Item: m})
		}
	}
	return out
}

// fanoutsOf lists the group_fanout items the peer received for the
// envelope id.
func fanoutsOf(peer *fakepeer.Peer, id string) []sentItem {
	var out []sentItem
	for _, it := range itemsOf(peer, "group_fanout", "", "") {
		if env, ok := it.Item["envelope"].(map[string]any); ok && env["id"] == id {
			out = append(out, it)
		}
	}
	return out
}

// addressesOf converts a decoded JSON list of addresses.
func addressesOf(v any) []string {
	var out []string
	list, _ := v.([]any)
	for _, e := range list {
		if s, ok := e.(string); ok {
			out = append(out, s)
		}
	}
	slices.Sort(out)
	return out
}

// itemsIn lists the items of kind in one received transaction.
func itemsIn(r fakepeer.Received, kind string) []map[string]any {
	var out []map[string]any
	for _, raw := range r.Items {
		var m map[string]any
		if json.Unmarshal(raw, &m) == nil && m["kind"] == kind {
			out = append(out, m)
		}
	}
	return out
}

// resultError is the per-item error result i with code.
func resultError(i int, code string) fakepeer.ItemResult {
	return fakepeer.ItemResult{Index: i, Status: "error", Error: code}
}

// ExpectPostRefused checks that the post id of from to group g, answered
// r, was refused with code: at once when from's server hosts g or refuses
// it itself, or, when that server accepted it for a remote host, by a
// failed receipt on from's stream s carrying the host's code.
func ExpectPostRefused(ctx context.Context, s *probe.Stream, from *probe.Account, g address.Address, r *probe.Response, id, code string) {
	GinkgoHelper()
	if r.Status != 202 || from.Addr.Domain == g.Domain {
		ExpectError(r, code)
		return
	}
	var got struct {
		Kind  string `json:"kind"`
		ID    string `json:"id"`
		Error string `json:"error"`
	}
	Eventually(ctx, func() bool {
		for {
			f, ok := s.Poll()
			if !ok {
				return false
			}
			var ev struct {
				Receipt json.RawMessage `json:"receipt"`
			}
			if f.Type == "event" && f.Kind() == "receipt" && f.EventInto(&ev) == nil && json.Unmarshal(ev.Receipt, &got) == nil && got.ID == id {
				return true
			}
		}
	}).WithTimeout(scale(eventTimeout)).WithPolling(5*time.Millisecond).Should(BeTrue(), "a failed receipt for the post %s", id)
	Expect(got.Kind).To(Equal("failed"))
	Expect(got.Error).To(Equal(code), "got a failed receipt with %s, want %s", got.Error, code)
}
