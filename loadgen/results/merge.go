package results

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
)

// Merge combines the results of the shards of one run into one: it
// concatenates the ledger lists (a message sent by one shard and delivered
// to another is matched by its index), adds histograms count by count and
// timelines second by second, and finishes the sum. The shards must come
// from the same scenario and seed, and none may appear twice.
func Merge(parts ...*Results) (*Results, error) {
	if len(parts) == 0 {
		return nil, errors.New("merge: no results")
	}
	out := New()
	first := parts[0]
	out.Scenario, out.Name, out.Seed, out.Target, out.Started = first.Scenario, first.Name, first.Seed, first.Target, first.Started
	seen := map[string]bool{}
	for _, p := range parts {
		if p.Seed != first.Seed || !bytes.Equal(p.Scenario, first.Scenario) {
			return nil, fmt.Errorf("merge: shard %v ran another scenario or seed than shard %v", p.Shards, first.Shards)
		}
		for _, s := range p.Shards {
			if seen[s] {
				return nil, fmt.Errorf("merge: shard %s appears twice", s)
			}
			seen[s] = true
		}
		out.add(p)
	}
	slices.Sort(out.Shards)
	out.Finish()
	return out, nil
}

// add folds one part into r.
func (r *Results) add(p *Results) {
	r.Shards = append(r.Shards, p.Shards...)
	if p.Started.Before(r.Started) {
		r.Started = p.Started
	}
	r.Elapsed = max(r.Elapsed, p.Elapsed)
	for c, d := range p.Deliveries {
		r.Class(c).add(d)
	}
	for c, n := range p.Messages {
		r.Messages[c] += n
	}
	r.Replayed += p.Replayed
	r.Stray += p.Stray
	r.Redelivered += p.Redelivered
	r.Sessions.Add(p.Sessions)
	r.Groups.Add(p.Groups)
	for c, h := range p.Latency {
		if r.Latency[c] == nil {
			r.Latency[c] = NewHistogram()
		}
		r.Latency[c].Merge(h)
	}
	r.Timeline = mergeTimeline(r.Timeline, p.Timeline)
	r.Users += p.Users
	r.Connections += p.Connections
	r.Logins += p.Logins
	for c, n := range p.Errors {
		r.Errors[c] += n
	}
	r.Crypto.Add(p.Crypto.Cost)
	for c, cost := range p.Crypto.ByClass {
		if r.Crypto.ByClass == nil {
			r.Crypto.ByClass = map[string]Cost{}
		}
		sum := r.Crypto.ByClass[c]
		sum.Add(cost)
		r.Crypto.ByClass[c] = sum
	}
	r.Servers = append(r.Servers, p.Servers...)
	r.Simulator.Connected += p.Simulator.Connected
	r.Simulator.MemoryBytes += p.Simulator.MemoryBytes
	r.Simulator.CPUSeconds += p.Simulator.CPUSeconds
	r.Simulator.MaxRSS = max(r.Simulator.MaxRSS, p.Simulator.MaxRSS)
	if len(r.Steps) == 0 {
		r.Steps = slices.Clone(p.Steps)
	}
	r.Notes = append(r.Notes, p.Notes...)
	slices.Sort(r.Notes)
	r.Notes = slices.Compact(r.Notes)
}

// mergeTimeline adds b's seconds to a's.
func mergeTimeline(a, b []Bucket) []Bucket {
	for _, x := range b {
		for len(a) <= x.Second {
			a = append(a, Bucket{Second: len(a), Latency: NewHistogram()})
		}
		y := &a[x.Second]
		y.Sent += x.Sent
		y.Delivered += x.Delivered
		y.Arrived += x.Arrived
		y.Online += x.Online
		y.Latency.Merge(x.Latency)
	}
	return a
}
