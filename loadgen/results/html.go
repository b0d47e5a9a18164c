package results

import (
	"fmt"
	"html/template"
	"io"
	"regexp"
	"slices"
)

// WriteHTML writes a self-contained HTML report of r: the verdict, the
// ledger, latency by class and the charts as inline SVG (gonum/plot), no
// scripts and nothing fetched.
func WriteHTML(w io.Writer, r *Results, broken error) error {
	svgs, err := charts(r)
	if err != nil {
		return err
	}
	var inline []template.HTML
	for _, s := range svgs {
		inline = append(inline, template.HTML(xmlDecl.ReplaceAllString(s, ""))) // our own SVG, not user input
	}
	type row struct {
		Class                    string
		N                        int64
		P50, P90, P99, P999, Max string
	}
	var rows []row
	classes := make([]string, 0, len(r.Latency))
	for c := range r.Latency {
		classes = append(classes, c)
	}
	slices.Sort(classes)
	for _, c := range append(classes, "all") {
		h := r.Latency[c]
		if c == "all" {
			h = r.Total()
		}
		rows = append(rows, row{c, h.Count(), ms(h.Quantile(.5)), ms(h.Quantile(.9)), ms(h.Quantile(.99)), ms(h.Quantile(.999)), ms(h.Max())})
	}
	type ledgerRow struct {
		Class    string
		Messages int64
		L        Ledger
	}
	var ledgers []ledgerRow
	var all int64
	for _, c := range sortedKeys(r.Ledgers) {
		ledgers = append(ledgers, ledgerRow{c, r.Messages[c], r.Ledgers[c]})
		all += r.Messages[c]
	}
	ledgers = append(ledgers, ledgerRow{"all", all, r.Ledger})
	l := r.Ledger
	data := map[string]any{
		"R": r, "Rows": rows, "Ledgers": ledgers, "Charts": inline, "Clean": l.Clean() && broken == nil,
		"Verdict": Verdict(r, broken), "Throughput": fmt.Sprintf("%.1f", r.Throughput()),
		"Seal": r.Crypto.PerSeal().String(), "Open": r.Crypto.PerOpen().String(),
	}
	if err := page.Execute(w, data); err != nil {
		return fmt.Errorf("html report: %w", err)
	}
	return nil
}

var xmlDecl = regexp.MustCompile(`<\?xml[^>]*\?>`)

var page = template.Must(template.New("load").Funcs(template.FuncMap{
	"mb":  func(b int64) string { return fmt.Sprintf("%.1f", float64(b)/1e6) },
	"pct": func(f float64) string { return fmt.Sprintf("%.2f%%", 100*f) },
	"msS": func(s Seconds) string { return ms(s.D()) },
}).Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>EMSG load run: {{.R.Name}}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;max-width:60em;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:.25em .6em;text-align:right}
th{background:#f4f4f4}td:first-child,th:first-child{text-align:left}
.verdict{padding:.6em 1em;border-radius:4px;font-weight:bold}.pass{background:#e6f4ea}.fail{background:#fce8e6;color:#a50e0e;font-size:1.3em}
figure{margin:1em 0}svg{max-width:100%;height:auto}
</style></head><body>
<h1>Load run: {{.R.Name}}</h1>
<p class="verdict {{if .Clean}}pass{{else}}fail{{end}}">{{.Verdict}}</p>
<p>Target {{.R.Target}}, shards {{range .R.Shards}}{{.}} {{end}}· seed <code>{{.R.Seed}}</code> · {{.R.Users}} users driven · started {{.R.Started.UTC.Format "2006-01-02 15:04:05Z"}} · {{printf "%.0f" .R.Elapsed}} s</p>
<h2>Delivery ledger</h2>
<p>In deliveries: one per message and recipient (a group post to n other members is n deliveries).</p>
<table><tr><th>class</th><th>messages accepted</th><th>scheduled</th><th>accepted</th><th>refused</th><th>delivered once</th><th>lost</th><th>duplicated</th><th>expired</th><th>unacknowledged but delivered</th></tr>
{{range .Ledgers}}<tr><td>{{.Class}}</td><td>{{.Messages}}</td><td>{{.L.Scheduled}}</td><td>{{.L.Sent}}</td><td>{{.L.Refused}}</td><td>{{.L.Delivered}}</td><td>{{.L.Lost}}</td><td>{{.L.Duplicated}}</td><td>{{.L.Expired}}</td><td>{{.L.Unacked}}</td></tr>
{{end}}</table>
<h2>Latency from the intended send time</h2>
<table><tr><th>class</th><th>deliveries</th><th>p50</th><th>p90</th><th>p99</th><th>p99.9</th><th>max</th></tr>
{{range .Rows}}<tr><td>{{.Class}}</td><td>{{.N}}</td><td>{{.P50}}</td><td>{{.P90}}</td><td>{{.P99}}</td><td>{{.P999}}</td><td>{{.Max}}</td></tr>
{{end}}</table>
<p>Throughput {{.Throughput}} deliveries/s on average · {{.R.Connections}} stream connections · {{.R.Logins}} logins · crypto: seal {{.Seal}}, open {{.Open}} of CPU per envelope</p>
{{range .Charts}}<figure>{{.}}</figure>
{{end}}
{{if .R.Steps}}<h2>Knee search</h2><table><tr><th>rate/s</th><th>p99</th><th>loss</th><th>SLO</th><th>held</th></tr>
{{range .R.Steps}}<tr><td>{{printf "%.0f" .Rate}}</td><td>{{msS .P99}}</td><td>{{pct .Loss}}</td><td>{{msS .SLO}}</td><td>{{.Passed}}</td></tr>{{end}}</table>
<p><b>Knee: {{printf "%.0f" .R.Knee}} messages/s</b></p>{{end}}
{{if .R.Errors}}<h2>Errors by code</h2><table><tr><th>code</th><th>count</th></tr>{{range $k, $v := .R.Errors}}<tr><td>{{$k}}</td><td>{{$v}}</td></tr>{{end}}</table>{{end}}
{{if .R.Servers}}<h2>Server processes</h2><table><tr><th>process</th><th>CPU s</th><th>peak RSS MB</th></tr>{{range .R.Servers}}<tr><td>{{.Name}}</td><td>{{printf "%.1f" .CPUSeconds}}</td><td>{{mb .MaxRSS}}</td></tr>{{end}}</table>{{end}}
{{range .R.Notes}}<p><i>Note: {{.}}.</i></p>{{end}}
</body></html>
`))
