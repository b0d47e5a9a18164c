package canonical

import (
	"encoding/base64"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// envelopeJSON is an envelope as a server receives it: three recipients
// (80-byte wrapped keys) and a 2 KiB payload, pretty-printed and unsorted
// (3.3 KB).
func envelopeJSON() []byte {
	b64 := base64.RawURLEncoding.EncodeToString
	var keys []string
	for _, who := range []string{"bob#b.test", "carol#c.test", "alice#a.test"} {
		keys = append(keys, fmt.Sprintf("    %q: %q", who, b64(make([]byte, 80))))
	}
	return []byte(fmt.Sprintf(`{
  "v": 1, "id": "01HZY3Q4T9ZK4W2X7E3N5C8B1D", "to": "bob#b.test", "from": "alice#a.test",
  "ts": 1700000000000, "ttl": 604800,
  "keys": {
%s
  },
  "payload": %q
}`, strings.Join(keys, ",\n"), b64(make([]byte, 2048))))
}

// bundleJSON is a rotated key bundle as encoding/json writes it from a
// struct: compact, members in declaration order (423 bytes).
func bundleJSON() []byte {
	return []byte(`{"address":"alice#im.example.com","sign_key":"ZKn9J1CLi9OAgK21bw73Ilm5-Gd8ZXnjMbuUbdliZyM",` +
		`"box_key":"07pkWPUE0TY-h1PUsLFLWFI-XjwZWuQG70aRRdpvP0M","created":1700000000000,` +
		`"prev":{"sign_key":"3MMT2xSwAv3inGrfEDCTnFb95E8342gb9HDSpjQ","sig":"BW3cKttCatO07xZd0leVDCXyxupRQo7_8IqOWS3j_eJgmr5YRYDgK_Fo2zj56Cvb9_-Yv2xctMLc0QEmZbEsCA"},` +
		`"sig":"3MMT2xSwAv3inGrfEDCTnFb95E8342gb9HDSpjQEn-g0nX8H4Y-fStOdslnSVgLxz2YBQKE_j1TlvfI3KCfcDg"}`)
}

// benchCase is one canonicaliser applied to one input.
type benchCase struct {
	name string // input/function/implementation
	raw  []byte
	run  func([]byte) ([]byte, error)
}

// benchCases pairs each input and function with the new implementation
// and the previous one (oracle_test.go: encoding/json check, then jcs).
func benchCases() []benchCase {
	var cases []benchCase
	for _, in := range []struct {
		name string
		raw  []byte
	}{{"envelope", envelopeJSON()}, {"bundle", bundleJSON()}} {
		cases = append(cases,
			benchCase{in.name + "/Transform/new", in.raw, Transform},
			benchCase{in.name + "/Transform/jcs", in.raw, oldTransform},
			benchCase{in.name + "/Protocol/new", in.raw, Protocol},
			benchCase{in.name + "/Protocol/jcs", in.raw, oldProtocol})
	}
	return cases
}

// BenchmarkCanonical measures every case of benchCases by wall-clock
// time: compare new with jcs for the same input and function.
func BenchmarkCanonical(b *testing.B) {
	for _, bc := range benchCases() {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(bc.raw)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := bc.run(bc.raw); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkCPURatio runs every case of benchCases in turn in one loop,
// each timed by the CPU time of its own thread (less the cost of reading
// that clock, measured around an empty call in the same loop), and reports
// the time of each and the speed-up of new over jcs. On a shared, loaded
// machine this is far steadier than comparing the wall-clock results of
// separate benchmarks: time spent descheduled is not counted.
func BenchmarkCPURatio(b *testing.B) {
	cases := benchCases()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	total := make([]time.Duration, len(cases))
	var clock time.Duration
	for b.Loop() {
		for i, bc := range cases {
			start := threadCPU(b)
			if _, err := bc.run(bc.raw); err != nil {
				b.Fatal(err)
			}
			total[i] += threadCPU(b) - start
		}
		start := threadCPU(b)
		clock += threadCPU(b) - start
	}
	per := func(i int) float64 { return float64(total[i]-clock) / float64(b.N) }
	for i := 0; i < len(cases); i += 2 {
		b.ReportMetric(per(i)/1e3, cases[i].name+"-µs")
		b.ReportMetric(per(i+1)/1e3, cases[i+1].name+"-µs")
		b.ReportMetric(per(i+1)/per(i), strings.TrimSuffix(cases[i].name, "/new")+"-speedup")
	}
}

// threadCPU returns the CPU time consumed by the calling thread.
func threadCPU(b *testing.B) time.Duration {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_THREAD_CPUTIME_ID, &ts); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ts.Nano())
}
