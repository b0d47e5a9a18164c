package harness

import (
	"net/netip"
	"testing"
)

// The engine's automatic addresses stay in the lower half of the run's
// subnet; restored containers get the upper half's, each once.
func TestHalves(t *testing.T) {
	lower, book, err := halves(netip.MustParsePrefix("172.22.0.0/16"))
	if err != nil {
		t.Fatal(err)
	}
	if lower != netip.MustParsePrefix("172.22.0.0/17") {
		t.Errorf("lower half %s, want 172.22.0.0/17", lower)
	}
	a, _ := book.fresh()
	b, _ := book.fresh()
	if a != netip.MustParseAddr("172.22.128.1") || b != netip.MustParseAddr("172.22.128.2") {
		t.Errorf("fresh addresses %s, %s, want 172.22.128.1 and .2", a, b)
	}
	if book.last != netip.MustParseAddr("172.22.255.254") {
		t.Errorf("last fresh address %s, want 172.22.255.254 (before the broadcast)", book.last)
	}
}

func TestHalvesRunsOut(t *testing.T) {
	_, book, err := halves(netip.MustParsePrefix("10.9.0.0/28"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for ; n < 20; n++ {
		if _, err := book.fresh(); err != nil {
			break
		}
	}
	if n != 6 { // 10.9.0.9 to 10.9.0.14
		t.Errorf("%d fresh addresses, want 6", n)
	}
	if _, _, err := halves(netip.MustParsePrefix("10.9.0.0/29")); err == nil {
		t.Error("a /29 was split; want an error")
	}
}
