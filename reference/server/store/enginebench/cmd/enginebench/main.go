// Command enginebench measures the engine variants of package enginebench on
// the server's hot path and runs the kill -9 check, one child process per
// engine so that memory and open files are the engine's own. It prints a
// Markdown report on stdout.
//
// Usage:
//
//	enginebench [-engines bbolt-coalesce,...] [-dur 3s] [-fill 200000] [-kills 3]
//
// Data lives in fresh temporary directories that are removed afterwards.
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/emsg-project/emsg/reference/server/store/enginebench"
)

// config is the command line.
type config struct {
	engines []string
	dur     time.Duration
	fill    int
	kills   int
	rate    int
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == "child" {
		os.Exit(childMain(os.Args[2:]))
	}
	var c config
	var engines string
	flag.StringVar(&engines, "engines", allEngines(), "comma-separated engine variants to measure")
	flag.DurationVar(&c.dur, "dur", 3*time.Second, "duration of each accept measurement")
	flag.IntVar(&c.fill, "fill", 200_000, "deliveries in the store for the size, recovery and ack/read figures")
	flag.IntVar(&c.kills, "kills", 3, "kill -9 runs per engine")
	flag.IntVar(&c.rate, "rate", 5000, "offered accepts per second of the paced latency run")
	flag.Parse()
	c.engines = strings.Split(engines, ",")
	for _, name := range c.engines {
		if _, ok := enginebench.EngineByName(name); !ok {
			fmt.Fprintf(os.Stderr, "enginebench: unknown engine %q (known: %s)\n", name, allEngines())
			os.Exit(2)
		}
	}
	if err := run(c); err != nil {
		fmt.Fprintf(os.Stderr, "enginebench: %v\n", err)
		os.Exit(1)
	}
}

func allEngines() string {
	var names []string
	for _, e := range enginebench.Engines() {
		names = append(names, e.Name)
	}
	return strings.Join(names, ",")
}

// run measures every engine in a child process, then runs the kill -9
// checks, and prints the report.
func run(c config) error {
	var results []result
	for _, name := range c.engines {
		fmt.Fprintf(os.Stderr, "enginebench: measuring %s (load %s)\n", name, loadAverage())
		r, err := measureInChild(name, c)
		if err != nil {
			return fmt.Errorf("measure %s: %w", name, err)
		}
		results = append(results, r)
	}
	var kills []killResult
	for _, name := range c.engines {
		fmt.Fprintf(os.Stderr, "enginebench: kill -9 %s\n", name)
		k, err := killRuns(name, c.kills)
		if err != nil {
			return fmt.Errorf("kill -9 %s: %w", name, err)
		}
		kills = append(kills, k)
	}
	printReport(os.Stdout, c, results, kills)
	return nil
}

// loadAverage returns the first three fields of /proc/loadavg.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}
