package results

import (
	"encoding/json"
	"fmt"
	"sync"
	"time"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"
)

// Histogram bounds: latencies in microseconds from 1 µs to one hour with
// three significant digits, which is what HdrHistogram is built for.
const (
	lowest      = 1
	highest     = int64(time.Hour / time.Microsecond)
	significant = 3
)

// Histogram is a latency histogram safe for concurrent recording. In JSON
// it is HdrHistogram's compressed V2 encoding (base64), so merging shards
// is exact: [Histogram.Merge] adds the counts, and the percentiles of the
// sum are the true global percentiles.
type Histogram struct {
	mu sync.Mutex
	h  *hdrhistogram.Histogram
}

// NewHistogram returns an empty histogram.
func NewHistogram() *Histogram {
	return &Histogram{h: hdrhistogram.New(lowest, highest, significant)}
}

// Record adds one latency; values beyond the range are clamped to it.
func (h *Histogram) Record(d time.Duration) {
	v := min(max(d.Microseconds(), lowest), highest)
	h.mu.Lock()
	_ = h.h.RecordValue(v)
	h.mu.Unlock()
}

// Merge adds o's counts to h.
func (h *Histogram) Merge(o *Histogram) {
	if o == nil {
		return
	}
	o.mu.Lock()
	c := hdrhistogram.Import(o.h.Export())
	o.mu.Unlock()
	h.mu.Lock()
	h.h.Merge(c)
	h.mu.Unlock()
}

// Count is the number of values recorded.
func (h *Histogram) Count() int64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.h.TotalCount()
}

// Quantile returns the latency at quantile q (0..1).
func (h *Histogram) Quantile(q float64) time.Duration {
	h.mu.Lock()
	defer h.mu.Unlock()
	return time.Duration(h.h.ValueAtQuantile(q*100)) * time.Microsecond
}

// FractionAbove is the share of the values recorded above d.
func (h *Histogram) FractionAbove(d time.Duration) float64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := h.h.TotalCount()
	if n == 0 {
		return 0
	}
	var above int64
	for _, b := range h.h.Distribution() {
		if b.From > d.Microseconds() {
			above += b.Count
		}
	}
	return float64(above) / float64(n)
}

// Max is the largest latency recorded.
func (h *Histogram) Max() time.Duration {
	h.mu.Lock()
	defer h.mu.Unlock()
	return time.Duration(h.h.Max()) * time.Microsecond
}

// Bars returns the distribution as (upper bound, count) pairs in
// ascending order, for plotting.
func (h *Histogram) Bars() (upper []time.Duration, count []int64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, b := range h.h.Distribution() {
		if b.Count > 0 {
			upper = append(upper, time.Duration(b.To)*time.Microsecond)
			count = append(count, b.Count)
		}
	}
	return upper, count
}

func (h *Histogram) MarshalJSON() ([]byte, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	raw, err := h.h.Encode(hdrhistogram.V2CompressedEncodingCookieBase)
	if err != nil {
		return nil, fmt.Errorf("encode histogram: %w", err)
	}
	return json.Marshal(string(raw))
}

func (h *Histogram) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("histogram: %w", err)
	}
	d, err := hdrhistogram.Decode([]byte(s))
	if err != nil {
		return fmt.Errorf("decode histogram: %w", err)
	}
	h.mu.Lock()
	h.h = hdrhistogram.New(lowest, highest, significant)
	h.h.Merge(d)
	h.mu.Unlock()
	return nil
}
