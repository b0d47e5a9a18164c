package results

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Threshold is a pass/fail rule on a run, written like `p99<250ms`,
// `loss==0`, `dup==0`, `errors<=10` or `throughput>=500`; a latency or
// ledger metric prefixed by a class applies to that class only, like
// `group.p99<1s` or `session.loss==0`. Thresholds set `emsg load`'s exit
// code, so CI can gate on a capacity regression.
type Threshold struct {
	Text   string
	metric string
	op     string
	value  float64
}

var thresholdRE = regexp.MustCompile(`^\s*([a-z0-9_.]+)\s*(<=|>=|==|!=|<|>)\s*([0-9.]+)(ns|us|µs|ms|s|m|%)?\s*$`)

// metrics are the values thresholds may name; latencies in seconds.
var metrics = map[string]func(r *Results) float64{
	"p50":        func(r *Results) float64 { return r.Total().Quantile(0.50).Seconds() },
	"p90":        func(r *Results) float64 { return r.Total().Quantile(0.90).Seconds() },
	"p99":        func(r *Results) float64 { return r.Total().Quantile(0.99).Seconds() },
	"p999":       func(r *Results) float64 { return r.Total().Quantile(0.999).Seconds() },
	"max":        func(r *Results) float64 { return r.Total().Max().Seconds() },
	"loss":       func(r *Results) float64 { return float64(r.Ledger.Lost) },
	"dup":        func(r *Results) float64 { return float64(r.Ledger.Duplicated) },
	"refused":    func(r *Results) float64 { return float64(r.Ledger.Refused) },
	"errors":     func(r *Results) float64 { return float64(sum(r.Errors)) },
	"throughput": func(r *Results) float64 { return r.Throughput() },
	"knee":       func(r *Results) float64 { return r.Knee },
}

// classMetrics are the metrics a class prefix may qualify.
var classMetrics = map[string]func(r *Results, class string) float64{
	"p50":     func(r *Results, c string) float64 { return r.classLatency(c).Quantile(0.50).Seconds() },
	"p90":     func(r *Results, c string) float64 { return r.classLatency(c).Quantile(0.90).Seconds() },
	"p99":     func(r *Results, c string) float64 { return r.classLatency(c).Quantile(0.99).Seconds() },
	"p999":    func(r *Results, c string) float64 { return r.classLatency(c).Quantile(0.999).Seconds() },
	"max":     func(r *Results, c string) float64 { return r.classLatency(c).Max().Seconds() },
	"loss":    func(r *Results, c string) float64 { return float64(r.Ledgers[c].Lost) },
	"dup":     func(r *Results, c string) float64 { return float64(r.Ledgers[c].Duplicated) },
	"refused": func(r *Results, c string) float64 { return float64(r.Ledgers[c].Refused) },
}

// classLatency is class c's histogram (empty when the run has none).
func (r *Results) classLatency(c string) *Histogram {
	if h := r.Latency[c]; h != nil {
		return h
	}
	return NewHistogram()
}

// metric returns the function of a metric name, class-qualified or not.
func metric(name string) func(*Results) float64 {
	if f := metrics[name]; f != nil {
		return f
	}
	class, m, ok := strings.Cut(name, ".")
	if f := classMetrics[m]; ok && f != nil && class != "" {
		return func(r *Results) float64 { return f(r, class) }
	}
	return nil
}

// ParseThreshold reads one threshold.
func ParseThreshold(s string) (Threshold, error) {
	m := thresholdRE.FindStringSubmatch(s)
	if m == nil {
		return Threshold{}, fmt.Errorf("threshold %q: want metric, operator, value, like p99<250ms or loss==0", s)
	}
	if metric(m[1]) == nil {
		return Threshold{}, fmt.Errorf("threshold %q: unknown metric %q (p50, p90, p99, p999, max, loss, dup, refused, errors, throughput, knee; or a class and one of the latencies, loss, dup or refused, like group.p99)", s, m[1])
	}
	v, err := strconv.ParseFloat(m[3], 64)
	if err != nil {
		return Threshold{}, fmt.Errorf("threshold %q: %w", s, err)
	}
	if unit := m[4]; unit != "" && unit != "%" {
		d, err := time.ParseDuration(m[3] + strings.Replace(unit, "µs", "us", 1))
		if err != nil {
			return Threshold{}, fmt.Errorf("threshold %q: %w", s, err)
		}
		v = d.Seconds()
	}
	return Threshold{Text: strings.TrimSpace(s), metric: m[1], op: m[2], value: v}, nil
}

// Check reports an error when r breaks t.
func (t Threshold) Check(r *Results) error {
	got := metric(t.metric)(r)
	ok := map[string]bool{"<": got < t.value, "<=": got <= t.value, ">": got > t.value,
		">=": got >= t.value, "==": got == t.value, "!=": got != t.value}[t.op]
	if !ok {
		val := strconv.FormatFloat(got, 'g', 4, 64)
		name := t.metric
		if _, m, qualified := strings.Cut(name, "."); qualified {
			name = m
		}
		if strings.HasPrefix(name, "p") || name == "max" {
			val = ms(time.Duration(got * float64(time.Second)))
		}
		return fmt.Errorf("threshold %s broken: %s is %s", t.Text, t.metric, val)
	}
	return nil
}

// CheckAll checks every threshold and joins the broken ones.
func CheckAll(r *Results, ts []Threshold) error {
	var errs []error
	for _, t := range ts {
		errs = append(errs, t.Check(r))
	}
	return errors.Join(errs...)
}

func sum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}
