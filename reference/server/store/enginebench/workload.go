package enginebench

import (
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"strings"
)

// The synthetic workload: envelopes of about 1 KiB from many senders, half
// to local accounts and half to accounts on remote destinations, as on a
// server whose users talk across domains.
const (
	// BodySize is the stored size of one event.
	BodySize = 1024
	// Accounts is the number of local recipient accounts.
	Accounts = 1000
	// Destinations is the number of remote servers with a queue.
	Destinations = 10
)

// MakeDelivery returns the n-th delivery of writer w. Deliveries are
// distinct for distinct (w, n); odd n go to a remote destination. The body
// starts with "<from> <id> " so a check can tell which delivery an event is.
func MakeDelivery(w, n int) Delivery {
	d := Delivery{
		From: fmt.Sprintf("w%d#a.test", w),
		ID:   fmt.Sprintf("%08d-%010d", w, n),
	}
	k := (w*7919 + n) % Accounts
	if n%2 == 1 {
		dest := fmt.Sprintf("d%d.test", k%Destinations)
		d.To, d.Destination = fmt.Sprintf("u%d#%s", k, dest), dest
	} else {
		d.To = fmt.Sprintf("u%d#b.test", k)
	}
	head := d.From + " " + d.ID + " "
	d.Body = append([]byte(head), ciphertext(uint64(w), uint64(n), BodySize-len(head))...)
	return d
}

// ciphertext returns n bytes of base64 text of pseudo-random bytes seeded by
// (a, b): as incompressible as the base64 ciphertext of a real envelope, so
// that engines that compress (Pebble) gain no more than they would in
// production.
func ciphertext(a, b uint64, n int) []byte {
	r := rand.New(rand.NewPCG(a, b))
	raw := make([]byte, base64.RawURLEncoding.DecodedLen(n)+3)
	for i := range raw {
		raw[i] = byte(r.Uint32())
	}
	return []byte(base64.RawURLEncoding.EncodeToString(raw)[:n])
}

// BodyKey returns the "<from> <id>" a body made by [MakeDelivery] starts
// with, or false.
func BodyKey(body []byte) (string, bool) {
	f := strings.SplitN(string(body), " ", 3)
	if len(f) < 3 {
		return "", false
	}
	return f[0] + " " + f[1], true
}

// AllAccounts and AllDestinations name every log and queue of the workload.
func AllAccounts() []string {
	out := make([]string, Accounts)
	for k := range out {
		out[k] = fmt.Sprintf("u%d#b.test", k)
	}
	return out
}

// AllDestinations names every queue of the workload.
func AllDestinations() []string {
	out := make([]string, Destinations)
	for k := range out {
		out[k] = fmt.Sprintf("d%d.test", k)
	}
	return out
}
