package loadgen

import (
	"context"
	"testing"
	"time"
)

// smallScenario is a few seconds of traffic among a few dozen users.
func smallScenario() Scenario {
	sc := DefaultScenario()
	sc.Name = "small"
	sc.Seed = "test"
	sc.UsersPerDomain = 12
	sc.Domains = []string{"a.test", "b.test", "c.test"}
	sc.Contacts.Count = 4
	sc.Traffic.Think = Duration(200 * time.Millisecond)
	sc.Stages = []Stage{{Duration: Duration(500 * time.Millisecond), Rate: 40}, {Duration: Duration(1500 * time.Millisecond), Rate: 40, Hold: true}}
	sc.Drain = Duration(20 * time.Second)
	return sc
}

// TestRunEmbedded runs a small scenario against the in-process reference
// deployment and wants every message delivered exactly once.
func TestRunEmbedded(t *testing.T) {
	sc := smallScenario()
	tg, err := StartEmbedded(sc.Domains, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = tg.Close() })
	r, err := NewRunner(sc, tg.Resolver(), Options{Target: tg.Name(), Verify: true, Posters: 16, Setup: 8})
	if err != nil {
		t.Fatal(err)
	}
	res, err := r.Run(context.Background())
	if err != nil {
		t.Fatalf("run: %v (errors %v)", err, res.Errors)
	}
	l := res.Ledger
	t.Logf("ledger %+v; errors %v; p99 %v; seal %v, open %v", l, res.Errors, res.Total().Quantile(0.99), res.Crypto.PerSeal(), res.Crypto.PerOpen())
	if l.Scheduled == 0 || l.Sent != l.Scheduled || l.Delivered != l.Sent || !l.Clean() || len(res.Errors) != 0 {
		t.Errorf("got ledger %+v, errors %v; want every scheduled message delivered exactly once", l, res.Errors)
	}
	if got := res.Total().Count(); got != int64(l.Delivered) {
		t.Errorf("got %d latencies, want one per delivery (%d)", got, l.Delivered)
	}
}
