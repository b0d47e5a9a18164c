package main

import (
	"context"
	"io"

	"github.com/spf13/cobra"
)

// run builds the command tree, executes it with args and returns the exit code.
func run(args []string, stdout, stderr io.Writer) int {
	return runContext(context.Background(), args, stdout, stderr)
}

// runContext is [run] with a context that long-running commands (serve)
// stop on.
func runContext(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	root := newRootCommand()
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	return report(stderr, root.ExecuteContext(ctx))
}

func newRootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:           "emsg",
		Short:         "Conformance suite, test vectors and tools for the EMSG/1 messaging protocol",
		SilenceErrors: true, // report() prints errors by the CLI rule
		SilenceUsage:  true,
	}
	report := newReportCommand()
	report.AddCommand(newLoadMergeCommand()) // emsg report merge: load shards (see load.go)
	root.AddCommand(newSpecCommand(), newVectorsCommand(), newConformCommand(), newServeCommand(), newClientCommand(), report, newLoadCommand())
	return root
}
