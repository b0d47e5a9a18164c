package server

import (
	"net/http"
	"os"
	"slices"
	"testing"
	"time"
)

// TestMeasureSessionLatency compares, on loopback, the time from POST
// /messages at a.test to the envelope reaching Bob: on the session socket
// at a.test (one server) and through federation to his stream at b.test
// (two servers). Run with EMSG_MEASURE=1 -v; it logs medians.
func TestMeasureSessionLatency(t *testing.T) {
	if os.Getenv("EMSG_MEASURE") == "" {
		t.Skip("a measurement: set EMSG_MEASURE=1")
	}
	const n = 50
	sl := startSessionLab(t)
	sl.aliceSends("opens the session")
	sl.envelopeID(sl.bobWS)
	tk, _ := sl.ticketEvent(sl.bobWS)

	var fed []time.Duration // Bob not connected to a.test: federation
	for range n {
		start := time.Now()
		env := sl.aliceSends("by federation")
		if got := sl.envelopeID(sl.bobWS); got != env.ID {
			t.Fatalf("got %s", got)
		}
		fed = append(fed, time.Since(start))
	}
	sock := sl.openSession(tk)
	var direct []time.Duration
	for i := range n {
		start := time.Now()
		sl.aliceSends("on the session")
		sl.nextEvent(sock, "envelope")
		direct = append(direct, time.Since(start))
		sock.WriteJSON(map[string]any{"type": "ack", "seq": i + 1})
	}
	sl.must(http.StatusNoContent)(sl.call(sl.alice, "a.test", "POST", "/emsg/v1/sessions/"+tk.ID+"/end", nil))
	t.Logf("POST to Bob, median of %d on loopback: federation %v, session socket %v", n, median(fed), median(direct))
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}
