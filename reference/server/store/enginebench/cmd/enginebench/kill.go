package main

import (
	"context"
	"math/rand/v2"
	"os"
	"os/exec"
	"time"

	"github.com/emsg-project/emsg/reference/server/store/enginebench"
)

// killResult is the outcome of the kill -9 runs of one engine.
type killResult struct {
	Engine string
	Runs   []enginebench.CrashReport
}

// crashChild opens the store in dir and accepts until it is killed.
func crashChild(e enginebench.Engine, dir string) error {
	s, err := e.Open(dir)
	if err != nil {
		return err
	}
	return enginebench.RunCrashChild(context.Background(), s, os.Stdout, 64)
}

// killRuns runs the kill -9 check n times, each in a fresh directory, killing
// the child between 0.5 s and 2 s after it started.
func killRuns(name string, n int) (killResult, error) {
	e, _ := enginebench.EngineByName(name)
	k := killResult{Engine: name}
	for range n {
		dir, err := os.MkdirTemp("", "enginebench-kill-"+name+"-")
		if err != nil {
			return k, err
		}
		child := exec.Command(os.Args[0], "child", "crash", name, dir)
		child.Stderr = os.Stderr
		after := 500*time.Millisecond + rand.N(1500*time.Millisecond)
		rep, err := enginebench.CrashRun(context.Background(), child, e, dir, after)
		os.RemoveAll(dir)
		if err != nil {
			return k, err
		}
		k.Runs = append(k.Runs, rep)
	}
	return k, nil
}
