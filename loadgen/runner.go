package loadgen

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"

	"github.com/emsg-project/emsg/loadgen/results"
	"github.com/emsg-project/emsg/reference/resolve"
)

// Options tune a run without changing its workload.
type Options struct {
	Shard        Shard
	Target       string                   // a name for the results ("embedded", "spawned", "external")
	Posters      int                      // concurrent POST /messages; 0 means 256
	Setup        int                      // concurrent setup calls; 0 means 32
	Verify       bool                     // open and verify every envelope received (real crypto on both ends)
	Progress     func(Progress)           // called about every second; nil for none
	Servers      func() []results.Process // the target's server resource use, read at the end
	SetupTimeout time.Duration            // bound on registration, logins and the contact handshake; 0 means 5m
}

// Progress is a snapshot of a running shard, for the progress display.
type Progress struct {
	Stage     string
	Users     int
	Online    int64
	Scheduled int64
	Sent      int64
	Delivered int64
	InFlight  int64 // accepted messages to this shard's users not yet delivered, roughly
	Errors    int64
	Elapsed   time.Duration
	Remaining time.Duration
}

// Runner runs one shard of a scenario against a deployment reached by a
// resolver table. Build it with [NewRunner]; [Runner.Run] does the whole
// run and returns the shard's results.
type Runner struct {
	sc    Scenario
	opts  Options
	table resolve.Table
	pop   *Population
	sched *Schedule
	cl    *wireClient

	users []*simUser          // the users this shard drives
	byID  map[UserID]*simUser // the same, by id
	ctx   context.Context
	res   *results.Results
	epoch time.Time // the run's time zero (whole milliseconds)
	stage atomic.Value

	counts   []atomic.Uint32 // arrivals per delivery number: stream arrivals in the low half, session-socket ones in the high
	arrivals []atomic.Int64  // per second of arrival
	sentSec  []atomic.Int64  // deliveries accepted, per second of intended time
	delivSec []atomic.Int64  // first deliveries, per second of intended time
	latSec   []*results.Histogram

	onlineNow, connections, logins, replayed, stray, redelivered atomic.Int64
	contactAccepted, contactAccepts                              atomic.Int64
	sent, delivered, errorsN, scheduledN                         atomic.Int64
	crypto                                                       [nClasses]costCounters // by class
	sess                                                         sessionCounters
	grp                                                          groupSetup

	readers sync.WaitGroup // the stream readers running
	closing atomic.Bool    // set by closeAll: no stream opens after it
	stopAt  atomic.Int64   // the knee search's stop, as an offset; MaxInt64 while running

	memory, connectedPeak int64 // Go memory added by setup, and the users it connected

	mu       sync.Mutex // guards the lists and maps of res
	expectIn int64      // deliveries scheduled to this shard's users

	expectOut, expectInContacts atomic.Int64 // contact requests this shard sends, and receives
}

// NewRunner prepares a run: it derives the population and the schedule.
func NewRunner(sc Scenario, table resolve.Table, opts Options) (*Runner, error) {
	if err := sc.Check(); err != nil {
		return nil, err
	}
	for _, d := range sc.Domains {
		if _, ok := table.Lookup(d); !ok {
			return nil, fmt.Errorf("load: the resolver table has no entry for %s", d)
		}
	}
	if opts.Posters == 0 {
		opts.Posters = 256
	}
	if opts.Setup == 0 {
		opts.Setup = 32
	}
	if opts.SetupTimeout == 0 {
		opts.SetupTimeout = 5 * time.Minute
	}
	r := &Runner{sc: sc, opts: opts, table: table, pop: NewPopulation(sc), byID: map[UserID]*simUser{}}
	r.grp.joined = map[membership]bool{}
	r.sched = NewSchedule(r.pop)
	r.cl = newWireClient(table, opts.Posters+opts.Setup)
	for u := range r.pop.Len() {
		if opts.Shard.Owns(UserID(u)) {
			su := &simUser{id: UserID(u)}
			r.users = append(r.users, su)
			r.byID[su.id] = su
		}
	}
	r.counts = make([]atomic.Uint32, r.sched.Deliveries())
	secs := int(sc.Duration()/time.Second) + 1
	r.sentSec, r.delivSec = make([]atomic.Int64, secs), make([]atomic.Int64, secs)
	r.arrivals = make([]atomic.Int64, secs+int(sc.Drain.D()/time.Second)+2)
	for range secs {
		r.latSec = append(r.latSec, results.NewHistogram())
	}
	r.stage.Store("prepare")
	r.stopAt.Store(math.MaxInt64)
	return r, nil
}

// Schedule returns the run's schedule.
func (r *Runner) Schedule() *Schedule { return r.sched }

// Population returns the run's users.
func (r *Runner) Population() *Population { return r.pop }

// Run does the whole run: setup (register, log in, open streams, the
// contact handshake), the schedule, and the drain, then returns the
// shard's results. ctx cancels it; the results so far are still returned.
func (r *Runner) Run(ctx context.Context) (*results.Results, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	r.ctx = ctx
	r.newResults()
	stopProgress := r.reportProgress(ctx)
	defer stopProgress()
	go r.pinger(ctx, 30*time.Second)
	before := goMemory()
	err := r.setup(ctx)
	if err == nil {
		r.memory = goMemory() - before
		r.connectedPeak = r.onlineNow.Load()
		r.runSchedule(ctx)
		r.drain(ctx)
		err = ctx.Err()
	}
	r.closeAll()
	return r.finish(), err
}

// newResults starts the shard's results.
func (r *Runner) newResults() {
	res := results.New()
	raw, _ := json.Marshal(r.sc)
	res.Scenario, res.Name, res.Seed = raw, r.sc.Name, r.sc.Seed
	res.Shards = []string{r.opts.Shard.String()}
	res.Target = r.opts.Target
	res.Users = len(r.users)
	for _, c := range Classes {
		res.Latency[string(c)] = results.NewHistogram()
		res.Class(string(c))
	}
	var scheduled int64
	for _, m := range r.sched.Messages {
		mine := r.opts.Shard.Owns(m.From)
		d := res.Class(string(m.Class))
		r.sched.RecipientsOf(m.Index, func(u UserID, n uint32) {
			if mine {
				d.Scheduled = append(d.Scheduled, n)
				scheduled++
			}
			if r.opts.Shard.Owns(u) {
				r.expectIn++
			}
		})
	}
	r.scheduledN.Store(scheduled)
	res.Groups.Count, res.Groups.Memberships, res.Groups.Largest, res.Groups.MostGroups = r.pop.GroupStats()
	r.res = res
}

// countError counts one error by code.
func (r *Runner) countError(code string) {
	r.errorsN.Add(1)
	r.mu.Lock()
	r.res.Errors[code]++
	r.mu.Unlock()
}

// closeAll closes every stream and waits for their readers, so that
// nothing changes the results after the run.
func (r *Runner) closeAll() {
	r.closing.Store(true)
	_ = parallel(context.Background(), r.users, r.opts.Setup, func(u *simUser) error {
		u.mu.Lock()
		u.online = false
		u.mu.Unlock()
		r.closeSessions(u, websocket.CloseNormalClosure) // the peer ends its sessions
		r.disconnect(u)
		return nil
	})
	r.readers.Wait()
}

// goMemory is the Go heap and stacks in use after a collection.
func goMemory() int64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapInuse + m.StackInuse)
}

// parallel runs f for every user on n goroutines and returns the first
// error after all finished.
func parallel(ctx context.Context, users []*simUser, n int, f func(*simUser) error) error {
	var next atomic.Int64
	var first error
	var once sync.Once
	var wg sync.WaitGroup
	for range min(n, max(1, len(users))) {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < len(users) && ctx.Err() == nil; i = int(next.Add(1) - 1) {
				if err := f(users[i]); err != nil {
					once.Do(func() { first = err })
				}
			}
		})
	}
	wg.Wait()
	if first == nil {
		first = ctx.Err()
	}
	return first
}

// reportProgress calls opts.Progress every second until stopped.
func (r *Runner) reportProgress(ctx context.Context) func() {
	if r.opts.Progress == nil {
		return func() {}
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	start := time.Now()
	go func() {
		defer close(done)
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			r.opts.Progress(r.snapshot(start))
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	return func() { cancel(); <-done; r.opts.Progress(r.snapshot(start)) }
}

// snapshot is the current progress.
func (r *Runner) snapshot(start time.Time) Progress {
	p := Progress{Stage: r.stage.Load().(string), Users: len(r.users), Online: r.onlineNow.Load(),
		Scheduled: r.scheduledN.Load(), Sent: r.sent.Load(), Delivered: r.delivered.Load(), Errors: r.errorsN.Load(),
		Elapsed: time.Since(start)}
	p.InFlight = max(0, p.Sent-p.Delivered)
	if p.Stage == "register" {
		p.Stage = fmt.Sprintf("register (%d logged in)", r.logins.Load())
	}
	if p.Stage == "groups" {
		p.Stage = fmt.Sprintf("groups (%d created, %d invited, %d joined)", r.grp.created.Load(), r.grp.invited.Load(), r.grp.joinedN.Load())
	}
	if p.Stage == "contacts" {
		p.Stage = fmt.Sprintf("contacts (ours accepted %d/%d, theirs accepted %d/%d, replays %d)",
			r.contactAccepted.Load(), r.expectOut.Load(), r.contactAccepts.Load(), r.expectInContacts.Load(), r.replayed.Load())
	}
	if !r.epoch.IsZero() {
		p.Remaining = max(0, time.Until(r.epoch.Add(r.sc.Duration())))
	}
	return p
}

// finish collects the counters into the results.
func (r *Runner) finish() *results.Results {
	r.stage.Store("done")
	r.mu.Lock()
	defer r.mu.Unlock()
	res := r.res
	if !r.epoch.IsZero() {
		res.Started = r.epoch
		res.Elapsed = results.Seconds(time.Since(r.epoch).Seconds())
	}
	res.Connections, res.Logins = r.connections.Load(), r.logins.Load()
	res.Replayed, res.Stray, res.Redelivered = r.replayed.Load(), r.stray.Load(), r.redelivered.Load()
	res.Crypto = r.cryptoCost()
	res.Sessions = r.sess.results()
	res.Groups.Created, res.Groups.Invited, res.Groups.Joined = int(r.grp.created.Load()), int(r.grp.invited.Load()), int(r.grp.joinedN.Load())
	res.Timeline = nil
	for s := range r.arrivals {
		b := results.Bucket{Second: s, Arrived: r.arrivals[s].Load(), Latency: results.NewHistogram()}
		if s < len(r.sentSec) {
			b.Sent, b.Delivered, b.Latency = r.sentSec[s].Load(), r.delivSec[s].Load(), r.latSec[s]
		}
		res.Timeline = append(res.Timeline, b)
	}
	r.fillOnline(res)
	res.Steps = r.stepPlan()
	if r.opts.Servers != nil {
		res.Servers = r.opts.Servers()
	}
	self := selfProcess("simulator")
	res.Simulator = results.Simulator{Connected: r.connectedPeak, MemoryBytes: r.memory, CPUSeconds: self.CPUSeconds, MaxRSS: self.MaxRSS}
	res.Notes = append(res.Notes, fmt.Sprintf("simulator: GOMAXPROCS %d", runtime.GOMAXPROCS(0)))
	res.Finish()
	return res
}

// fillOnline sets each second's users online from the churn model.
func (r *Runner) fillOnline(res *results.Results) {
	for i := range res.Timeline {
		t := time.Duration(i) * time.Second
		if t > r.sc.Duration() {
			break
		}
		var n int64
		for _, u := range r.users {
			if r.pop.OnlineAt(u.id, t) {
				n++
			}
		}
		res.Timeline[i].Online = n
	}
}

// stepPlan lists the knee search's steps by second, if any.
func (r *Runner) stepPlan() []results.Step {
	if r.sc.Step == nil {
		return nil
	}
	var out []results.Step
	from := 0
	for _, st := range r.sc.StepStages() {
		to := from + int(st.Duration.D()/time.Second)
		// The first second of a step still carries the previous rate's queue.
		s := results.Step{Rate: st.Rate, From: from + 1, To: to, SLO: results.Seconds(r.sc.Step.SLO.D().Seconds()), Budget: r.sc.Step.LossBudget}
		if time.Duration(to)*time.Second > time.Duration(r.stopAt.Load()) {
			s.To = s.From // cut short by an early stop: not judged
		}
		out = append(out, s)
		from = to
	}
	return out
}
