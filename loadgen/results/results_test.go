package results

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// shardOf builds a shard's results: it sent sent, and received delivered
// with the given latencies.
func shardOf(shard string, sent, delivered []uint32, lat ...time.Duration) *Results {
	r := New()
	r.Seed, r.Scenario, r.Shards = "s", json.RawMessage(`{"name":"t"}`), []string{shard}
	d := r.Class("cross_domain")
	d.Scheduled, d.Sent, d.Delivered = sent, sent, delivered
	r.Latency["cross_domain"] = NewHistogram()
	b := Bucket{Second: 0, Latency: NewHistogram(), Sent: int64(len(sent)), Delivered: int64(len(delivered))}
	for _, d := range lat {
		r.Latency["cross_domain"].Record(d)
		b.Latency.Record(d)
	}
	r.Timeline = []Bucket{b}
	return r
}

// TestMergeMatchesAcrossShards: a message sent by one shard and delivered
// to another counts once; one delivered to two is duplicated; one nobody
// delivered is lost; percentiles come from the summed histograms.
func TestMergeMatchesAcrossShards(t *testing.T) {
	a := shardOf("0/2", []uint32{0, 1, 2}, []uint32{3, 4}, 10*time.Millisecond, 20*time.Millisecond)
	b := shardOf("1/2", []uint32{3, 4, 5}, []uint32{0, 1, 1}, 1*time.Second, 2*time.Second, 3*time.Second)
	m, err := Merge(a, b)
	if err != nil {
		t.Fatal(err)
	}
	want := Ledger{Scheduled: 6, Sent: 6, Delivered: 3, Lost: 2, Duplicated: 1}
	if m.Ledger != want {
		t.Errorf("got ledger %+v, want %+v", m.Ledger, want)
	}
	if n := m.Total().Count(); n != 5 {
		t.Errorf("merged histogram holds %d values, want 5", n)
	}
	if p := m.Total().Quantile(0.5); p < 900*time.Millisecond || p > 1100*time.Millisecond {
		t.Errorf("merged p50 %v, want about 1s (the median of all five)", p)
	}
	if l := m.Ledgers["cross_domain"]; l != want {
		t.Errorf("got the class's ledger %+v, want %+v", l, want)
	}
	if _, err := Merge(a, a); err == nil {
		t.Errorf("merging a shard with itself: got no error")
	}
	c := shardOf("1/2", nil, nil)
	c.Seed = "other"
	if _, err := Merge(a, c); err == nil {
		t.Errorf("merging another seed's shard: got no error")
	}
}

// TestResultsRoundTrip: a written results file reads back the same,
// histograms included, and renders.
func TestResultsRoundTrip(t *testing.T) {
	r := shardOf("0/1", []uint32{0, 1}, []uint32{0, 1}, 5*time.Millisecond, 7*time.Millisecond)
	r.Steps = []Step{{Rate: 10, From: 0, To: 1, SLO: 1, Budget: 0}}
	r.Finish()
	path := filepath.Join(t.TempDir(), "r.json")
	if err := r.Write(path); err != nil {
		t.Fatal(err)
	}
	back, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	if back.Ledger != r.Ledger || back.Total().Count() != 2 || back.Total().Quantile(1) != r.Total().Quantile(1) || back.Knee != 10 {
		t.Errorf("read back %+v (knee %v), want %+v", back.Ledger, back.Knee, r.Ledger)
	}
	var md, html bytes.Buffer
	if err := WriteMarkdown(&md, back, nil); err != nil || !strings.Contains(md.String(), "PASS") {
		t.Errorf("markdown: %v\n%s", err, md.String())
	}
	if err := WriteHTML(&html, back, nil); err != nil || !strings.Contains(html.String(), "<svg") {
		t.Errorf("html: %v", err)
	}
}

// TestThresholds parses and judges thresholds.
func TestThresholds(t *testing.T) {
	r := shardOf("0/1", []uint32{0, 1}, []uint32{0}, 100*time.Millisecond)
	r.Finish() // one lost
	tests := []struct {
		text       string
		parseOK    bool
		breaksHere bool
	}{
		{"p99<250ms", true, false},              // 100 ms is under
		{"p99<50ms", true, true},                // 100 ms is over
		{"loss==0", true, true},                 // one message lost
		{"dup==0", true, false},                 // none duplicated
		{"errors<=3", true, false},              // none
		{"p99<", false, false},                  // no value
		{"speed>1", false, false},               // unknown metric
		{"cross_domain.p99<50ms", true, true},   // a class's latency
		{"cross_domain.loss==0", true, true},    // a class's ledger
		{"group.p99<1ms", true, false},          // a class without deliveries: 0
		{"cross_domain.errors<1", false, false}, // errors are not by class
		{".p99<1s", false, false},               // no class
	}
	for _, tt := range tests {
		th, err := ParseThreshold(tt.text)
		if (err == nil) != tt.parseOK {
			t.Errorf("ParseThreshold(%q): error %v, want ok %v", tt.text, err, tt.parseOK)
			continue
		}
		if err == nil && (th.Check(r) != nil) != tt.breaksHere {
			t.Errorf("%q: Check gave %v, want broken %v", tt.text, th.Check(r), tt.breaksHere)
		}
	}
}

// FuzzParseThreshold: no input panics.
func FuzzParseThreshold(f *testing.F) {
	for _, s := range []string{"p99<250ms", "loss==0", "throughput>=1.5", "p50<1µs"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { _, _ = ParseThreshold(s) })
}

// TestRenderEmptyRun: a run that delivered nothing still renders.
func TestRenderEmptyRun(t *testing.T) {
	r := New()
	r.Steps = []Step{{Rate: 10, From: 0, To: 1}}
	r.Finish()
	var b bytes.Buffer
	if err := WriteHTML(&b, r, nil); err != nil {
		t.Fatal(err)
	}
}

// TestDiff flags a run that lost messages or got slower, not one that
// stayed the same.
func TestDiff(t *testing.T) {
	enc := func(r *Results) []byte {
		r.Finish()
		raw, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		return raw
	}
	base := enc(shardOf("0/1", []uint32{0, 1}, []uint32{0, 1}, 10*time.Millisecond, 12*time.Millisecond))
	tests := []struct {
		name      string
		new       []byte
		regressed bool
	}{
		{"the same run", base, false},
		{"a message lost", enc(shardOf("0/1", []uint32{0, 1}, []uint32{0}, 10*time.Millisecond)), true},
		{"ten times slower", enc(shardOf("0/1", []uint32{0, 1}, []uint32{0, 1}, 100*time.Millisecond, 120*time.Millisecond)), true},
	}
	for _, tt := range tests {
		var b bytes.Buffer
		got, err := Diff(&b, base, tt.new, "markdown")
		if err != nil || got != tt.regressed {
			t.Errorf("%s: got regressed %v (%v), want %v\n%s", tt.name, got, err, tt.regressed, b.String())
		}
	}
}

// TestLedgerByClass: each class keeps its own ledger, the total adds
// them, and a merge matches a delivery sent by one shard with its arrival
// at another within its class (a group post's deliveries count one by
// one).
func TestLedgerByClass(t *testing.T) {
	a := shardOf("0/2", []uint32{0, 1}, []uint32{0, 1})
	g := a.Class("group")
	g.Scheduled, g.Sent, g.Delivered = []uint32{2, 3, 4}, []uint32{2, 3, 4}, []uint32{2}
	a.Messages["group"] = 1
	b := shardOf("1/2", nil, nil)
	b.Class("group").Delivered = []uint32{3}
	b.Class("group").Duplicated = []uint32{3}
	m, err := Merge(a, b)
	if err != nil {
		t.Fatal(err)
	}
	wantGroup := Ledger{Scheduled: 3, Sent: 3, Delivered: 1, Lost: 1, Duplicated: 1}
	if got := m.Ledgers["group"]; got != wantGroup {
		t.Errorf("group ledger %+v, want %+v", got, wantGroup)
	}
	if got := m.Ledger; got.Sent != 5 || got.Delivered != 3 || got.Lost != 1 || got.Duplicated != 1 {
		t.Errorf("total ledger %+v, want the classes added", got)
	}
	if m.Messages["group"] != 1 {
		t.Errorf("group messages %d, want 1", m.Messages["group"])
	}
}
