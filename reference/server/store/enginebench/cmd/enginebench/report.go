package main

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/emsg-project/emsg/reference/server/store/enginebench"
)

// printReport writes the Markdown tables of RESULTS.md.
func printReport(w io.Writer, c config, results []result, kills []killResult) {
	fmt.Fprintf(w, "Run %s, %s per measurement, fill %d deliveries, load average at the end %s.\n\n",
		time.Now().UTC().Format(time.RFC3339), c.dur, c.fill, loadAverage())
	printAccept(w, results)
	printOther(w, c, results)
	printKills(w, kills)
}

func printAccept(w io.Writer, results []result) {
	fmt.Fprintln(w, "### Durable accept, one delivery per Accept (closed loop)")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| engine | writers | deliveries/s | p50 | p99 | CPU µs/delivery | load (child end) |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|---|")
	for _, r := range results {
		for _, a := range r.Accept {
			fmt.Fprintf(w, "| %s | %d | %.0f | %s | %s | %.0f | %s |\n", r.Engine, a.Writers, a.PerSecond(),
				ms(a.Latency.P50), ms(a.Latency.P99), cpuPer(a), r.LoadAvg)
		}
	}
	fmt.Fprintln(w)
}

func printOther(w io.Writer, c config, results []result) {
	fmt.Fprintf(w, "### Paced accepts (%d/s offered, open loop), fill, size, recovery, stream, queue\n\n", c.rate)
	fmt.Fprintln(w, "| engine | paced done/s | paced p50 | paced p99 | fill del/s (16×50) | disk | open | Read p50/p99 | Ack p50/p99 | queue items/s | Done p50/p99 | peak RSS | max fds |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
	for _, r := range results {
		fill := "-"
		if r.Fill.Deliveries > 0 {
			fill = fmt.Sprintf("%.0f", r.Fill.PerSecond())
		}
		fmt.Fprintf(w, "| %s | %.0f | %s | %s | %s | %s | %s | %s | %s | %.0f | %s | %s | %d |\n",
			r.Engine, r.Paced.PerSecond(), ms(r.Paced.Latency.P50), ms(r.Paced.Latency.P99), fill,
			mib(r.DiskBytes), ms(r.Open), pair(r.Stream.Read), pair(r.Stream.Ack),
			float64(r.Queue.Items)/r.Queue.Elapsed.Seconds(), pair(r.Queue.Done), mib(r.PeakRSS), r.MaxFDs)
	}
	fmt.Fprintln(w)
}

func printKills(w io.Writer, kills []killResult) {
	fmt.Fprintln(w, "### kill -9 (64 writers, SIGKILL 0.5–2 s after start, reopen and verify)")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| engine | runs | acknowledged per run | missing | duplicated | wrong seq | seq reused | re-accept not duplicate | reopen after kill | verdict |")
	fmt.Fprintln(w, "|---|---:|---|---:|---:|---:|---:|---:|---|---|")
	for _, k := range kills {
		var acked, reopen []string
		var bad enginebench.CrashReport
		verdict := "ok"
		for _, r := range k.Runs {
			acked = append(acked, fmt.Sprint(r.Acked))
			reopen = append(reopen, ms(r.Reopen))
			bad.Missing += r.Missing
			bad.Duplicated += r.Duplicated
			bad.WrongSeq += r.WrongSeq
			bad.SeqReused += r.SeqReused
			bad.NotDup += r.NotDup
			if !r.OK() {
				verdict = "FAIL"
			}
		}
		fmt.Fprintf(w, "| %s | %d | %s | %d | %d | %d | %d | %d | %s | %s |\n", k.Engine, len(k.Runs),
			strings.Join(acked, ", "), bad.Missing, bad.Duplicated, bad.WrongSeq, bad.SeqReused, bad.NotDup,
			strings.Join(reopen, ", "), verdict)
	}
	fmt.Fprintln(w)
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond)) }

func pair(l enginebench.Latency) string {
	return fmt.Sprintf("%.2f/%.2f ms", float64(l.P50)/1e6, float64(l.P99)/1e6)
}

func mib(n int64) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }

func cpuPer(a enginebench.AcceptRun) float64 {
	if a.Deliveries == 0 {
		return 0
	}
	return float64(a.CPU.Microseconds()) / float64(a.Deliveries)
}
