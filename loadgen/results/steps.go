package results

// computeSteps judges each step of a knee search from the timeline (the
// seconds of the step, by intended send time) and sets the knee: the
// highest rate of a step that passed, every lower step having passed too.
func (r *Results) computeSteps() {
	r.Knee = 0
	broken := false
	for i := range r.Steps {
		s := &r.Steps[i]
		h := NewHistogram()
		var sent, delivered int64
		for _, b := range r.Timeline {
			if b.Second >= s.From && b.Second < s.To {
				h.Merge(b.Latency)
				sent += b.Sent
				delivered += b.Delivered
			}
		}
		s.P99 = Seconds(h.Quantile(0.99).Seconds())
		s.Loss = 0
		if sent > 0 {
			s.Loss = float64(sent-min(delivered, sent)) / float64(sent)
		}
		s.Ran = sent > 0
		s.Passed = s.Ran && s.P99 <= s.SLO && s.Loss <= s.Budget
		if s.Passed && !broken {
			r.Knee = s.Rate
		} else {
			broken = true
		}
	}
}
