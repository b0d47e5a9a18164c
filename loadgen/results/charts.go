package results

import (
	"bytes"
	"fmt"
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// series is one line of a chart.
type series struct {
	name string
	xy   plotter.XYs
}

// lineChart draws series as an SVG document.
func lineChart(title, xlabel, ylabel string, logY bool, ss ...series) (string, error) {
	p := plot.New()
	p.Title.Text, p.X.Label.Text, p.Y.Label.Text = title, xlabel, ylabel
	p.Add(plotter.NewGrid())
	points, lo, hi := 0, 0.0, 0.0
	for _, s := range ss {
		for _, v := range s.xy {
			if points == 0 || v.Y < lo {
				lo = v.Y
			}
			hi = max(hi, v.Y)
			points++
		}
	}
	// A log axis over no values, or over a narrow range, panics or says
	// nothing in gonum/plot: those charts stay linear.
	logY = logY && points > 0 && hi > 10*max(lo, 0.001)
	if logY {
		p.Y.Scale = plot.LogScale{}
		p.Y.Tick.Marker = plot.LogTicks{Prec: -1}
	}
	palette := []color.RGBA{{R: 0x1f, G: 0x77, B: 0xb4, A: 255}, {R: 0xd6, G: 0x27, B: 0x28, A: 255}, {R: 0x2c, G: 0xa0, B: 0x2c, A: 255}, {R: 0xff, G: 0x7f, B: 0x0e, A: 255}, {R: 0x94, G: 0x67, B: 0xbd, A: 255}}
	for i, s := range ss {
		if len(s.xy) == 0 {
			continue
		}
		if logY {
			for j := range s.xy {
				s.xy[j].Y = max(s.xy[j].Y, 0.001)
			}
		}
		l, err := plotter.NewLine(s.xy)
		if err != nil {
			return "", fmt.Errorf("chart %s: %w", title, err)
		}
		l.Color = palette[i%len(palette)]
		l.Width = vg.Points(1.5)
		p.Add(l)
		p.Legend.Add(s.name, l)
	}
	p.Legend.Top = true
	return svg(p)
}

// svg renders p at a fixed size. gonum/plot panics on some degenerate
// data; that becomes an error, never a crash after a long run.
func svg(p *plot.Plot) (out string, err error) {
	defer func() {
		if v := recover(); v != nil {
			out, err = "", fmt.Errorf("render chart %q: %v", p.Title.Text, v)
		}
	}()
	wt, err := p.WriterTo(7*vg.Inch, 3*vg.Inch, "svg")
	if err != nil {
		return "", fmt.Errorf("render chart: %w", err)
	}
	var b bytes.Buffer
	if _, err := wt.WriteTo(&b); err != nil {
		return "", fmt.Errorf("render chart: %w", err)
	}
	return b.String(), nil
}

// cumulative is h's cumulative distribution in percent, by latency in ms.
func cumulative(h *Histogram) plotter.XYs {
	var out plotter.XYs
	upper, count := h.Bars()
	var total, cum int64
	for _, c := range count {
		total += c
	}
	for i := range upper {
		cum += count[i]
		out = append(out, plotter.XY{X: float64(upper[i].Microseconds()) / 1000, Y: 100 * float64(cum) / float64(total)})
	}
	return out
}

// charts draws every chart of the HTML report, in order.
func charts(r *Results) ([]string, error) {
	var p50, p99, sent, arrived, online plotter.XYs
	for _, b := range r.Timeline {
		x := float64(b.Second)
		if b.Latency != nil && b.Latency.Count() > 0 {
			p50 = append(p50, plotter.XY{X: x, Y: float64(b.Latency.Quantile(.5).Microseconds()) / 1000})
			p99 = append(p99, plotter.XY{X: x, Y: float64(b.Latency.Quantile(.99).Microseconds()) / 1000})
		}
		sent = append(sent, plotter.XY{X: x, Y: float64(b.Sent)})
		arrived = append(arrived, plotter.XY{X: x, Y: float64(b.Arrived)})
		online = append(online, plotter.XY{X: x, Y: float64(b.Online)})
	}
	dists := []series{{"all classes", cumulative(r.Total())}}
	for _, c := range sortedKeys(r.Latency) {
		if r.Latency[c].Count() > 0 {
			dists = append(dists, series{c, cumulative(r.Latency[c])})
		}
	}
	specs := []func() (string, error){
		func() (string, error) {
			return lineChart("Latency from intended send time, by send second", "second", "ms", true, series{"p50", p50}, series{"p99", p99})
		},
		func() (string, error) {
			return lineChart("Throughput", "second", "deliveries/s", false, series{"accepted (by intended second)", sent}, series{"delivered (by arrival second)", arrived})
		},
		func() (string, error) {
			return lineChart("Users online", "second", "users", false, series{"online", online})
		},
		func() (string, error) {
			return lineChart("Latency distribution (cumulative), by class", "ms", "% of deliveries", false, dists...)
		},
	}
	if len(r.Steps) > 0 {
		var kp99, slo plotter.XYs
		for _, s := range r.Steps {
			kp99 = append(kp99, plotter.XY{X: s.Rate, Y: float64(s.P99) * 1000})
			slo = append(slo, plotter.XY{X: s.Rate, Y: float64(s.SLO) * 1000})
		}
		specs = append(specs, func() (string, error) {
			return lineChart(fmt.Sprintf("Knee search: p99 by offered rate (knee %.0f/s)", r.Knee), "messages/s offered", "p99 ms", true, series{"p99", kp99}, series{"SLO", slo})
		})
	}
	var out []string
	for _, f := range specs {
		s, err := f()
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}
