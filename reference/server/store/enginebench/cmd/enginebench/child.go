package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/emsg-project/emsg/reference/server/store/enginebench"
)

// writerCounts are the concurrency levels of the accept measurements.
var writerCounts = []int{1, 16, 64, 256}

// result is what one measuring child reports, as JSON on stdout.
type result struct {
	Engine    string
	Accept    []enginebench.AcceptRun
	Paced     enginebench.AcceptRun
	Fill      enginebench.AcceptRun
	Stream    enginebench.StreamRun
	Queue     enginebench.QueueRun
	DiskBytes int64
	Open      time.Duration // open of the filled store after a clean close
	PeakRSS   int64         // bytes (VmHWM)
	MaxFDs    int           // most open file descriptors seen
	LoadAvg   string        // at the end of the child
}

// childMain dispatches the child modes: "measure <engine> <dur> <fill> <rate>"
// and "crash <engine> <dir>".
func childMain(args []string) int {
	fl := flag.NewFlagSet("child", flag.ContinueOnError)
	if err := fl.Parse(args); err != nil || fl.NArg() < 3 {
		fmt.Fprintln(os.Stderr, "enginebench child: want measure|crash arguments")
		return 2
	}
	e, ok := enginebench.EngineByName(fl.Arg(1))
	if !ok {
		fmt.Fprintf(os.Stderr, "enginebench child: unknown engine %q\n", fl.Arg(1))
		return 2
	}
	var err error
	switch fl.Arg(0) {
	case "measure":
		err = measureChild(e, fl.Args()[2:])
	case "crash":
		err = crashChild(e, fl.Arg(2))
	default:
		err = fmt.Errorf("unknown mode %q", fl.Arg(0))
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "enginebench child: %v\n", err)
		return 1
	}
	return 0
}

// measureInChild runs "child measure" for the engine and decodes its result.
func measureInChild(name string, c config) (result, error) {
	cmd := exec.Command(os.Args[0], "child", "measure", name, c.dur.String(), strconv.Itoa(c.fill), strconv.Itoa(c.rate))
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return result{}, err
	}
	var r result
	if err := json.Unmarshal(out, &r); err != nil {
		return result{}, fmt.Errorf("decode child result: %w", err)
	}
	return r, nil
}

func measureChild(e enginebench.Engine, args []string) error {
	if len(args) != 3 {
		return fmt.Errorf("measure wants <dur> <fill> <rate>")
	}
	dur, err1 := time.ParseDuration(args[0])
	fill, err2 := strconv.Atoi(args[1])
	rate, err3 := strconv.Atoi(args[2])
	if err1 != nil || err2 != nil || err3 != nil || fill <= 0 || rate <= 0 {
		return fmt.Errorf("measure: bad arguments %q", args)
	}
	dir, err := os.MkdirTemp("", "enginebench-"+e.Name+"-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	r, err := measure(e, dir, dur, fill, rate)
	if err != nil {
		return err
	}
	return json.NewEncoder(os.Stdout).Encode(r)
}

// measure runs the phases on one store: accepts at each concurrency, a
// paced run, a fill to the target size, a clean reopen, stream drain and
// queue drain.
func measure(e enginebench.Engine, dir string, dur time.Duration, fill, rate int) (result, error) {
	ctx := context.Background()
	r := result{Engine: e.Name}
	s, err := e.Open(dir)
	if err != nil {
		return r, err
	}
	total := 0
	for i, w := range writerCounts {
		run, err := enginebench.MeasureAccept(ctx, s, 100_000*(i+1), w, 1, fill, dur)
		if err != nil {
			s.Close()
			return r, err
		}
		r.Accept, total = append(r.Accept, run), total+run.Deliveries
		r.MaxFDs = max(r.MaxFDs, openFDs())
	}
	if r.Paced, err = enginebench.MeasurePaced(ctx, s, 900_000, rate, 1024, dur); err != nil {
		s.Close()
		return r, err
	}
	total += r.Paced.Deliveries
	if total < fill {
		if r.Fill, err = enginebench.MeasureAccept(ctx, s, 1_000_000, 16, 50, fill-total, 5*time.Minute); err != nil {
			s.Close()
			return r, err
		}
	}
	r.MaxFDs = max(r.MaxFDs, openFDs())
	if err := s.Close(); err != nil {
		return r, err
	}
	r.DiskBytes = diskUsage(dir)
	t0 := time.Now()
	if s, err = e.Open(dir); err != nil {
		return r, err
	}
	r.Open = time.Since(t0)
	defer s.Close()
	if r.Stream, err = enginebench.MeasureAckRead(ctx, s, 16); err != nil {
		return r, err
	}
	if r.Queue, err = enginebench.MeasureDrain(ctx, s); err != nil {
		return r, err
	}
	r.MaxFDs = max(r.MaxFDs, openFDs())
	r.PeakRSS = peakRSS()
	r.LoadAvg = loadAverage()
	return r, nil
}

// openFDs counts the process's open file descriptors.
func openFDs() int {
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return -1
	}
	return len(ents)
}

// peakRSS returns VmHWM from /proc/self/status in bytes.
func peakRSS() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmHWM:" {
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			return kb * 1024
		}
	}
	return -1
}

// diskUsage sums the allocated blocks of every file under dir.
func diskUsage(dir string) int64 {
	var n int64
	filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		if info, err := d.Info(); err == nil {
			if st, ok := info.Sys().(*syscall.Stat_t); ok {
				n += st.Blocks * 512
			}
		}
		return nil
	})
	return n
}
