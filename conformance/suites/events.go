package suites

import (
	"context"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/emsg-project/emsg/conformance/probe"
)

// eventTimeout is how long a spec waits for an event, before the
// timeout multiplier.
const eventTimeout = 10 * time.Second

// quietPeriod is how long a spec watches for something that must not
// happen (a second delivery), before the timeout multiplier.
const quietPeriod = 400 * time.Millisecond

// NextFrame waits for the next frame of type typ on s (or of one of the
// types anyOf, when typ is ""), skipping event frames, and fails the spec
// if another type comes first or none comes in time.
func NextFrame(ctx context.Context, s *probe.Stream, typ string, anyOf ...string) probe.Frame {
	GinkgoHelper()
	var f probe.Frame
	Eventually(ctx, func() bool {
		for {
			var ok bool
			if f, ok = s.Poll(); !ok {
				return false
			}
			if f.Type != "event" || typ == "event" {
				return true
			}
		}
	}).WithTimeout(scale(eventTimeout)).WithPolling(5*time.Millisecond).Should(BeTrue(), "a %s frame", typ)
	if typ == "" {
		Expect(anyOf).To(ContainElement(f.Type), "got frame %s, want one of %v", f.Raw, anyOf)
		return f
	}
	Expect(f.Type).To(Equal(typ), "got frame %s, want a %s frame", f.Raw, typ)
	return f
}

// NextEvent waits for an event frame of kind on s, skipping other frames
// and events, and returns it.
func NextEvent(ctx context.Context, s *probe.Stream, kind string) probe.Frame {
	GinkgoHelper()
	var got probe.Frame
	Eventually(ctx, func() bool {
		for {
			f, ok := s.Poll()
			if !ok {
				return false
			}
			if f.Type == "event" && f.Kind() == kind {
				got = f
				return true
			}
		}
	}).WithTimeout(scale(eventTimeout)).WithPolling(5*time.Millisecond).Should(BeTrue(), "a %s event", kind)
	return got
}

// NoEvent fails the spec if an event of kind arrives on s within the
// quiet period.
func NoEvent(ctx context.Context, s *probe.Stream, kind string) {
	GinkgoHelper()
	Consistently(ctx, func() string {
		for {
			f, ok := s.Poll()
			if !ok {
				return ""
			}
			if f.Type == "event" && f.Kind() == kind {
				return string(f.Raw)
			}
		}
	}).WithTimeout(scale(quietPeriod)).WithPolling(20*time.Millisecond).Should(BeEmpty(), "no %s event", kind)
}
