package results

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"
)

// WriteMarkdown writes a summary of r for a CI step summary or a README:
// the verdict first (loss and duplicates loudly), then the ledger,
// latency by class, throughput, the knee and the cost of the crypto.
func WriteMarkdown(w io.Writer, r *Results, broken error) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# Load run: %s\n\n", r.Name)
	fmt.Fprintf(&b, "%s\n\n", Verdict(r, broken))
	fmt.Fprintf(&b, "Target %s, shards %s, seed `%s`, %d users driven, started %s, %.0f s.\n\n",
		r.Target, strings.Join(r.Shards, " "), r.Seed, r.Users, r.Started.UTC().Format(time.RFC3339), float64(r.Elapsed))
	writeLedger(&b, r)
	b.WriteString("## Latency from the intended send time\n\n| class | deliveries | p50 | p90 | p99 | p99.9 | max |\n|---|---|---|---|---|---|---|\n")
	for _, c := range append(sortedKeys(r.Latency), "all") {
		h := r.Latency[c]
		if c == "all" {
			h = r.Total()
		}
		fmt.Fprintf(&b, "| %s | %d | %s | %s | %s | %s | %s |\n", c, h.Count(), ms(h.Quantile(.5)), ms(h.Quantile(.9)), ms(h.Quantile(.99)), ms(h.Quantile(.999)), ms(h.Max()))
	}
	fmt.Fprintf(&b, "\nThroughput: %.1f deliveries/s on average over the run. Connections opened: %d; logins: %d.\n\n", r.Throughput(), r.Connections, r.Logins)
	writeGroupsAndSessions(&b, r)
	if len(r.Steps) > 0 {
		b.WriteString("## Knee search\n\n| rate/s | p99 | loss | SLO | verdict |\n|---|---|---|---|---|\n")
		for _, s := range r.Steps {
			v := "broke"
			switch {
			case s.Passed:
				v = "held"
			case !s.Ran:
				v = "not run (stopped)"
			}
			fmt.Fprintf(&b, "| %.0f | %s | %.2f%% | %s | %s |\n", s.Rate, ms(s.P99.D()), 100*s.Loss, ms(s.SLO.D()), v)
		}
		fmt.Fprintf(&b, "\n**Knee: %.0f messages/s** (the highest rate whose step, and every step below, held the SLO).\n\n", r.Knee)
	}
	writeErrors(&b, r)
	writeCrypto(&b, r)
	sim := r.Simulator
	fmt.Fprintf(&b, "Simulator: %d users connected at once, %.1f KB of Go memory each (heap and stacks after setup), %.1f s CPU, peak RSS %.1f MB.\n\n",
		sim.Connected, float64(sim.PerUser())/1024, sim.CPUSeconds, float64(sim.MaxRSS)/1e6)
	for _, p := range r.Servers {
		fmt.Fprintf(&b, "- %s: %.1f s CPU, peak RSS %.1f MB\n", p.Name, p.CPUSeconds, float64(p.MaxRSS)/1e6)
	}
	for _, n := range r.Notes {
		fmt.Fprintf(&b, "\n_Note: %s._\n", n)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writeLedger writes the ledger in all and by class, in deliveries.
func writeLedger(b *strings.Builder, r *Results) {
	b.WriteString("## Delivery ledger\n\nEvery figure counts deliveries, one per message and recipient: a group post to n other members is n deliveries.\n\n")
	b.WriteString("| class | messages accepted | scheduled | accepted | refused | delivered once | lost | duplicated | expired | unacknowledged but delivered |\n|---|---|---|---|---|---|---|---|---|---|\n")
	row := func(name string, msgs int64, l Ledger) {
		fmt.Fprintf(b, "| %s | %d | %d | %d | %d | %d | %d | %d | %d | %d |\n", name, msgs, l.Scheduled, l.Sent, l.Refused, l.Delivered, l.Lost, l.Duplicated, l.Expired, l.Unacked)
	}
	var all int64
	for _, c := range sortedKeys(r.Ledgers) {
		row(c, r.Messages[c], r.Ledgers[c])
		all += r.Messages[c]
	}
	row("all", all, r.Ledger)
	fmt.Fprintf(b, "\nStream replays after reconnects (allowed, deduplicated): %d. Session envelopes that came on the socket and again by federation (allowed, deduplicated on (from, id)): %d. Envelopes of no scheduled delivery: %d.\n\n", r.Replayed, r.Redelivered, r.Stray)
}

// writeGroupsAndSessions describes the groups and how session messages
// travelled, when the run had any.
func writeGroupsAndSessions(b *strings.Builder, r *Results) {
	if g := r.Groups; g.Count > 0 {
		fmt.Fprintf(b, "## Groups\n\n%d groups, %d memberships in all (owners included), the largest of %d members; the busiest user is in %d groups. Setup: %d created, %d invitations sent, %d joins confirmed.\n\n",
			g.Count, g.Memberships, g.Largest, g.MostGroups, g.Created, g.Invited, g.Joined)
	}
	if s := r.Sessions; s != (Sessions{}) {
		fmt.Fprintf(b, "## Sessions\n\nPeers opened %d session sockets at the initiators' servers. Initiator → peer: %d envelopes arrived on the socket, %d by federation (no socket open yet, or a fallback). Peer → initiator: %d sent on the socket, %d through the peer's own server (no socket open).\n\n",
			s.Opened, s.OnSocket, s.ByFederation, s.SentOnSocket, s.SentByFallback)
	}
}

// writeCrypto writes the simulator's crypto cost, in all and by class.
func writeCrypto(b *strings.Builder, r *Results) {
	c := r.Crypto
	fmt.Fprintf(b, "## Cost\n\nCrypto (wall time in a sealer or a stream reader, so an upper bound on CPU): %d envelopes sealed at %s each (sign, encrypt, one sealed box per reader: %s per box), %d opened and verified at %s each.\n\n",
		c.Sealed, c.PerSeal(), c.PerBox(), c.Opened, c.PerOpen())
	if len(c.ByClass) > 0 {
		b.WriteString("| class | sealed | seal each | boxes per envelope | per box | opened | open each |\n|---|---|---|---|---|---|---|\n")
		for _, name := range sortedKeys(c.ByClass) {
			k := c.ByClass[name]
			boxes := 0.0
			if k.Sealed > 0 {
				boxes = float64(k.Boxes) / float64(k.Sealed)
			}
			fmt.Fprintf(b, "| %s | %d | %s | %.1f | %s | %d | %s |\n", name, k.Sealed, k.PerSeal(), boxes, k.PerBox(), k.Opened, k.PerOpen())
		}
		b.WriteString("\n")
	}
}

// sortedKeys returns the keys of m in order.
func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}

func writeErrors(b *strings.Builder, r *Results) {
	if len(r.Errors) == 0 {
		b.WriteString("No errors.\n\n")
		return
	}
	b.WriteString("## Errors by code\n\n| code | count |\n|---|---|\n")
	codes := make([]string, 0, len(r.Errors))
	for c := range r.Errors {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	for _, c := range codes {
		fmt.Fprintf(b, "| %s | %d |\n", c, r.Errors[c])
	}
	b.WriteString("\n")
}

// Verdict is the one-line outcome: loss and duplicates first and loudly.
func Verdict(r *Results, broken error) string {
	l := r.Ledger
	if r.Partial() {
		return fmt.Sprintf("**PARTIAL: shards %s of a sharded run**: a message sent here is delivered to another shard's user, so the ledger is incomplete; merge every shard's results (`emsg load merge`) for the verdict.", strings.Join(r.Shards, " "))
	}
	switch {
	case l.Lost > 0 || l.Duplicated > 0:
		return fmt.Sprintf("**FAIL: %d deliveries LOST, %d DUPLICATED** out of %d accepted.", l.Lost, l.Duplicated, l.Sent)
	case broken != nil:
		return "**FAIL: " + strings.ReplaceAll(broken.Error(), "\n", "; ") + "**"
	default:
		return fmt.Sprintf("**PASS: all %d accepted deliveries made exactly once**; p99 %s.", l.Sent, ms(r.Total().Quantile(.99)))
	}
}

// ms formats a duration in milliseconds.
func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d)/1e6) }
