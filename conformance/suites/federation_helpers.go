package suites

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/emsg-project/emsg/conformance/fakepeer"
	"github.com/emsg-project/emsg/conformance/harness"
	"github.com/emsg-project/emsg/conformance/probe"
	"github.com/emsg-project/emsg/reference/protocol/fedsig"
	"github.com/emsg-project/emsg/reference/protocol/keys"
	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// deliveryTimeout is how long a spec waits for a federated delivery,
// retries included, before the timeout multiplier.
const deliveryTimeout = 15 * time.Second

// federationTimeout is how long the servers were told to wait on another
// server for one request (harness.SettingFederationTimeout; 0 when the
// harness set none): a server that answers only after giving up on a peer
// is allowed that long on top of the probe's own request timeout.
func (w *World) federationTimeout() time.Duration {
	return env.Config.ServerDuration(harness.SettingFederationTimeout)
}

// FetchBundle asks a's server for the keys of addr (GET /keys) and returns
// the newest bundle, verified.
func (w *World) FetchBundle(ctx context.Context, a *probe.Account, addr string) keys.Bundle {
	GinkgoHelper()
	r := w.Call(ctx, a, "GET", "/emsg/v1/keys/"+escape(addr), nil)
	ExpectStatus(r, 200)
	var chain struct {
		Bundles []keys.Bundle `json:"bundles"`
	}
	Expect(r.Decode(&chain)).To(Succeed(), "the bundles verify")
	Expect(chain.Bundles).NotTo(BeEmpty())
	return chain.Bundles[len(chain.Bundles)-1]
}

func escape(addr string) string {
	return string(bytes.ReplaceAll([]byte(addr), []byte("#"), []byte("%23")))
}

// peerAccount makes an account on the fake peer; its bundle is what a
// client would have from a contact exchange (key fetch over federation
// has a spec of its own).
func (w *World) peerAccount(peer *fakepeer.Peer) (*keys.Identity, keys.Bundle) {
	GinkgoHelper()
	id, err := peer.NewAccount(probe.FreshLocal("mallory"))
	Expect(err).NotTo(HaveOccurred())
	return id, id.Bundle()
}

// txnsWith returns the received transactions whose body mentions needle.
func txnsWith(peer *fakepeer.Peer, needle string) []fakepeer.Received {
	var out []fakepeer.Received
	for _, r := range peer.Received() {
		if bytes.Contains(r.Body, []byte(needle)) {
			out = append(out, r)
		}
	}
	return out
}

// deliveredWith returns the received transactions mentioning needle that
// the peer answered 200.
func deliveredWith(peer *fakepeer.Peer, needle string) []fakepeer.Received {
	var out []fakepeer.Received
	for _, r := range txnsWith(peer, needle) {
		if r.Answered == 200 {
			out = append(out, r)
		}
	}
	return out
}

// verifySignature checks a received transaction's signature against the
// key the origin publishes in its discovery document (FED-SIGN-01).
func (w *World) verifySignature(ctx context.Context, peer *fakepeer.Peer, r fakepeer.Received) error {
	resp, err := w.P.JSON(ctx, "GET", r.Origin, "/.well-known/emsg", nil, nil)
	if err != nil {
		return err
	}
	var doc struct {
		ServerKeys map[string]string `json:"server_keys"`
	}
	if err := resp.Decode(&doc); err != nil {
		return err
	}
	published := map[string]ed25519Key{}
	for id, k := range doc.ServerKeys {
		raw, err := wire.DecodeBytes(k)
		if err != nil {
			return fmt.Errorf("server key %s: %w", id, err)
		}
		published[id] = raw
	}
	v := fedsig.Verifier{Self: peer.Domain, Keys: staticKeys(r.Origin, published)}
	_, err = v.Verify(ctx, time.Now(), r.Authorization, "POST", "/emsg/v1/federation/inbox", r.Body)
	return err
}

// answerFor is a responder that answers transactions mentioning needle
// with answer (status, body) the first n times and every item ok after.
func answerFor(needle string, n int, status int, body func(fakepeer.Received) []byte) fakepeer.Responder {
	seen := 0
	return func(r fakepeer.Received) (int, []byte, bool) {
		if bytes.Contains(r.Body, []byte(needle)) && seen < n {
			seen++
			return status, body(r), false
		}
		return 200, fakepeer.OKResults(len(r.Items)), false
	}
}

// itemError answers every item of a transaction with code, except those
// not mentioning needle, which are ok.
func itemError(needle, code string) func(fakepeer.Received) []byte {
	return func(r fakepeer.Received) []byte {
		type res struct {
			Index  int    `json:"index"`
			Status string `json:"status"`
			Error  string `json:"error,omitempty"`
		}
		out := make([]res, len(r.Items))
		for i, it := range r.Items {
			out[i] = res{Index: i, Status: "ok"}
			if bytes.Contains(it, []byte(needle)) {
				out[i] = res{Index: i, Status: "error", Error: code}
			}
		}
		raw, _ := json.Marshal(map[string]any{"results": out})
		return raw
	}
}
