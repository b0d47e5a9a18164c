package fakepeer

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/fedsig"
	"github.com/emsg-project/emsg/reference/protocol/keys"
	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/reference/resolve"
)

// maxBody bounds what the peer reads of a request.
const maxBody = 2 << 20

// Transaction is a federation transaction as it travels.
type Transaction struct {
	Origin      string            `json:"origin"`
	Destination string            `json:"destination"`
	Txn         string            `json:"txn"`
	Items       []json.RawMessage `json:"items"`
}

// Received is one transaction the server under test sent the peer.
type Received struct {
	Transaction
	Authorization string
	Body          []byte
	At            time.Time // when it arrived
	Answered      int       // the status the peer answered with (0: no answer)
}

// Responder decides how the peer answers a received transaction: the
// status and body, or hang = true to answer nothing until the sender
// gives up. nil answers every item ok.
type Responder func(r Received) (status int, body []byte, hang bool)

// Peer is one fake federation peer.
type Peer struct {
	Domain string
	// ClaimDomain, if set, is the domain the discovery document claims
	// instead of Domain: a peer lying about who it is (DISC-DOMAIN-01).
	ClaimDomain string
	// RedirectTo, if set, answers the discovery document with a redirect
	// to this URL, which a server must not follow (ADDR-REDIRECT-01).
	RedirectTo string
	// Offered are features the discovery document advertises beyond
	// [Features] (Offer sets them).
	Offered []string
	Key     fedsig.ServerKey
	Deps    wire.Deps
	table   resolve.Table
	http    *http.Client
	server  *http.Server

	mu        sync.Mutex
	received  []Received
	responder Responder
	accounts  map[address.Address]*keys.Identity
	hung      chan struct{}
	signalLog [][]byte       // bodies of POST /federation/signals
	inFlight  map[string]int // inbox requests being answered now, per origin
	maxFlight map[string]int // the most ever at once, per origin
}

// VendorFeature is a vendor extension the peer advertises in its
// discovery document, which no server under test knows: servers ignore
// it and federate with the peer all the same (VND-IGNORE-01).
const VendorFeature = "vnd.example.org.thing"

// MaxTxnItems is the limits.max_txn_items the peer advertises: small, so
// that a server with several items queued must split them (FED-QUEUE-07).
const MaxTxnItems = 2

// MaxInFlight is the most transactions origin ever had in flight to the
// peer at once (FED-QUEUE-02 wants 1).
func (p *Peer) MaxInFlight(origin string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.maxFlight[origin]
}

// New makes a peer for domain with a fresh server key; table reaches the
// servers under test.
func New(domain string, table resolve.Table) (*Peer, error) {
	deps := wire.System()
	key, err := fedsig.NewServerKey(deps, "ed25519:fake")
	if err != nil {
		return nil, fmt.Errorf("fake peer key: %w", err)
	}
	return &Peer{Domain: domain, Key: key, Deps: deps, table: table, http: table.Client(nil),
		accounts: map[address.Address]*keys.Identity{}, hung: make(chan struct{}),
		inFlight: map[string]int{}, maxFlight: map[string]int{}}, nil
}

// Serve answers on l until Close.
func (p *Peer) Serve(l net.Listener) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/emsg", p.discovery)
	mux.HandleFunc("GET /emsg/v1/health", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, 200, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("POST /emsg/v1/federation/inbox", p.inbox)
	mux.HandleFunc("GET /emsg/v1/federation/keys/{address}", p.keys)
	mux.HandleFunc("POST /emsg/v1/federation/signals", p.signals)
	p.server = &http.Server{Handler: mux}
	go func() { _ = p.server.Serve(l) }()
}

// Close stops the peer and releases hung answers.
func (p *Peer) Close() error {
	p.mu.Lock()
	select {
	case <-p.hung:
	default:
		close(p.hung)
	}
	p.mu.Unlock()
	if p.server == nil {
		return nil
	}
	err := p.server.Close()
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// Claim makes the discovery document claim domain ("" for the truth).
func (p *Peer) Claim(domain string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.ClaimDomain = domain
}

// Features are what every peer's discovery document advertises: core and
// federation, and a vendor extension no server knows; not sessions, so
// that servers send it no session tickets (DISC-NEGOTIATE-01) unless a
// spec offers them.
var Features = []string{"core", "federation", "signals", VendorFeature}

// Offer makes the discovery document advertise features too (none: back
// to [Features]). Servers cache the document, so what a spec offers is
// seen by the servers that first ask during it: one the spec launched.
func (p *Peer) Offer(features ...string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.Offered = features
}

// Redirect makes the discovery document a redirect to url ("" for none).
func (p *Peer) Redirect(url string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.RedirectTo = url
}

// SetResponder scripts the peer's answers (nil: every item ok).
func (p *Peer) SetResponder(r Responder) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.responder = r
}

// Received returns what the peer has received so far, in order.
func (p *Peer) Received() []Received {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]Received(nil), p.received...)
}

// NewAccount makes an identity on the peer's domain whose bundle the peer
// serves.
func (p *Peer) NewAccount(local string) (*keys.Identity, error) {
	addr, err := address.ParseCanonical(local + "#" + p.Domain)
	if err != nil {
		return nil, err
	}
	id, err := keys.NewIdentity(p.Deps, addr)
	if err != nil {
		return nil, err
	}
	p.mu.Lock()
	p.accounts[addr] = id
	p.mu.Unlock()
	return id, nil
}

func (p *Peer) discovery(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	domain, redirect := p.Domain, p.RedirectTo
	if p.ClaimDomain != "" {
		domain = p.ClaimDomain
	}
	features := append(slices.Clone(Features), p.Offered...)
	p.mu.Unlock()
	if redirect != "" {
		http.Redirect(w, r, redirect, http.StatusFound)
		return
	}
	writeJSON(w, 200, map[string]any{
		"domain": domain, "versions": []string{"1"}, "features": features,
		"server_keys":  map[string]string{p.Key.ID: wire.EncodeBytes(p.Key.Public())},
		"limits":       map[string]int{"max_envelope_bytes": 65536, "max_ttl": 2592000, "default_ttl": 604800, "max_txn_items": MaxTxnItems},
		"registration": "open",
	})
}

func (p *Peer) keys(w http.ResponseWriter, r *http.Request) {
	addr, err := address.Parse(r.PathValue("address"))
	p.mu.Lock()
	id, ok := p.accounts[addr]
	p.mu.Unlock()
	if err != nil || !ok {
		writeJSON(w, 404, map[string]string{"error": "not_found", "message": "no such account"})
		return
	}
	writeJSON(w, 200, map[string]any{"bundles": []keys.Bundle{id.Bundle()}})
}

// inbox records a transaction and answers it as the responder says.
func (p *Peer) inbox(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, maxBody))
	rec := Received{Authorization: r.Header.Get("Authorization"), Body: body, At: time.Now()}
	_ = json.Unmarshal(body, &rec.Transaction)
	p.enter(rec.Origin)
	defer p.leave(rec.Origin)
	p.mu.Lock()
	responder, hung := p.responder, p.hung
	p.mu.Unlock()
	status, answer, hang := allOK(rec)
	if responder != nil {
		status, answer, hang = responder(rec)
	}
	if !hang {
		rec.Answered = status
	}
	p.mu.Lock()
	p.received = append(p.received, rec)
	p.mu.Unlock()
	if hang {
		select {
		case <-r.Context().Done():
		case <-hung:
		}
		return
	}
	w.Header().Set("Content-Type", "application/json")
	var e struct {
		RetryAfter int `json:"retry_after"`
	}
	if json.Unmarshal(answer, &e) == nil && e.RetryAfter > 0 {
		w.Header().Set("Retry-After", fmt.Sprint(e.RetryAfter)) // with the member, as LIMIT-RATE-01 wants
	}
	w.WriteHeader(status)
	_, _ = w.Write(answer)
}

// signals records a federated signal and accepts it.
func (p *Peer) signals(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, maxBody))
	p.mu.Lock()
	p.signalLog = append(p.signalLog, body)
	p.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

// Signals returns the bodies of the federated signals received so far.
func (p *Peer) Signals() [][]byte {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([][]byte(nil), p.signalLog...)
}

// allOK answers every item of a transaction ok.
func allOK(r Received) (int, []byte, bool) {
	return 200, OKResults(len(r.Items)), false
}

// OKResults is the results body answering n items ok.
func OKResults(n int) []byte {
	res := make([]string, n)
	for i := range res {
		res[i] = fmt.Sprintf(`{"index":%d,"status":"ok"}`, i)
	}
	return []byte(`{"results":[` + strings.Join(res, ",") + `]}`)
}

// ServerError answers 503 with the error shape.
func ServerError(Received) (int, []byte, bool) {
	return 503, []byte(`{"error":"unavailable","message":"scripted outage"}`), false
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func (p *Peer) enter(origin string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.inFlight[origin]++
	p.maxFlight[origin] = max(p.maxFlight[origin], p.inFlight[origin])
}

func (p *Peer) leave(origin string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.inFlight[origin]--
}
