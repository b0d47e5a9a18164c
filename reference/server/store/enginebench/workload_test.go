package enginebench

import "testing"

func TestMakeDelivery(t *testing.T) {
	seen := map[string]bool{}
	for w := range 3 {
		for n := range 50 {
			d := MakeDelivery(w, n)
			key, ok := BodyKey(d.Body)
			// The body names its delivery, so a check can find it again.
			if !ok || key != d.From+" "+d.ID {
				t.Fatalf("BodyKey(%d, %d) = %q, %v; want %q", w, n, key, ok, d.From+" "+d.ID)
			}
			if len(d.Body) != BodySize {
				t.Errorf("body of (%d, %d) is %d bytes, want %d", w, n, len(d.Body), BodySize)
			}
			// Odd deliveries go to a remote destination, even ones to a local account.
			if (n%2 == 1) != (d.Destination != "") {
				t.Errorf("delivery (%d, %d): destination %q", w, n, d.Destination)
			}
			if seen[key] {
				t.Errorf("delivery (%d, %d) repeats %q", w, n, key)
			}
			seen[key] = true
		}
	}
	if _, ok := BodyKey([]byte("no-spaces")); ok {
		t.Error("BodyKey accepted a body without a key")
	}
}
