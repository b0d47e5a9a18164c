package loadgen

import (
	"testing"
	"time"

	"github.com/emsg-project/emsg/reference/resolve"
)

// TestStepBroken judges a step from its seconds' counts and latencies.
func TestStepBroken(t *testing.T) {
	sc := smallScenario()
	sc.Step = &Step{Start: 10, Factor: 2, Every: Duration(2 * time.Second), Max: 40, SLO: Duration(100 * time.Millisecond)}
	table, err := resolve.Parse("a.test=127.0.0.1:1,b.test=127.0.0.1:2,c.test=127.0.0.1:3")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		sent      int64
		latencies []time.Duration // one per delivery
		broken    bool
	}{
		{"all fast", 4, []time.Duration{10e6, 20e6, 30e6, 40e6}, false},
		{"one of four over the SLO", 4, []time.Duration{10e6, 20e6, 30e6, 400e6}, true},
		{"one of four undelivered", 4, []time.Duration{10e6, 20e6, 30e6}, true},
		{"nothing sent: the step did not run", 0, nil, true},
	}
	for _, tt := range tests {
		r, err := NewRunner(sc, table, Options{})
		if err != nil {
			t.Fatal(err)
		}
		r.sentSec[0].Store(tt.sent)
		for _, d := range tt.latencies {
			r.latSec[0].Record(d)
			r.delivSec[0].Add(1)
		}
		if got := r.stepBroken(0, 2, sc.Step.SLO.D()); got != tt.broken {
			t.Errorf("%s: broken %v, want %v", tt.name, got, tt.broken)
		}
	}
}
