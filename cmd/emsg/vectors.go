package main

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/emsg-project/emsg/vectors"
	"github.com/emsg-project/emsg/vectors/verify"
)

func newVectorsCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "vectors",
		Short: "List, export and check the EMSG/1 test vectors",
		Long: `The test vectors are JSON files in a Wycheproof-style format (see
vectors/README.md) that any implementation can run on its own: every key,
nonce and timestamp is given, so every valid output is reproducible byte for
byte, and every invalid case states the one defect it must be rejected with.`,
	}
	cmd.AddCommand(newVectorsListCommand(), newVectorsExportCommand(), newVectorsCheckCommand())
	return cmd
}

func newVectorsListCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List the vector files with their case counts",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', tabwriter.AlignRight)
			fmt.Fprintln(w, "file\tcases\tvalid\tinvalid\tacceptable\t")
			for _, name := range vectors.Files() {
				f, err := vectors.Load(name)
				if err != nil {
					return failf("load %s: %v", name, err)
				}
				c := countResults(f)
				fmt.Fprintf(w, "%s\t%d\t%d\t%d\t%d\t\n", name, f.NumberOfTests, c[vectors.Valid], c[vectors.Invalid], c[vectors.Acceptable])
			}
			return w.Flush()
		},
	}
}

// countResults counts the tests of f by result.
func countResults(f *vectors.File) map[vectors.Result]int {
	c := map[vectors.Result]int{}
	for _, gt := range f.Tests() {
		c[gt.Test.Result]++
	}
	return c
}

func newVectorsExportCommand() *cobra.Command {
	return &cobra.Command{
		Use:     "export DIR",
		Short:   "Write the vector files and their JSON Schema to DIR, for an implementation in another language",
		Example: "  emsg vectors export ./testdata/emsg-vectors",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			n, err := exportFS(vectors.FS, args[0])
			if err != nil {
				return failf("export vectors: %v", err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "wrote %d files to %s\n", n, args[0])
			return nil
		},
	}
}

// exportFS copies every file of fsys under dir, keeping its path.
func exportFS(fsys fs.FS, dir string) (int, error) {
	n := 0
	err := fs.WalkDir(fsys, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(fsys, path)
		if err != nil {
			return err
		}
		dst := filepath.Join(dir, filepath.FromSlash(path))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		n++
		return os.WriteFile(dst, data, 0o644)
	})
	return n, err
}

func newVectorsCheckCommand() *cobra.Command {
	var verbose bool
	cmd := &cobra.Command{
		Use:   "check [FILE...]",
		Short: "Check the reference protocol library against the vector files (all when none are named)",
		RunE: func(cmd *cobra.Command, names []string) error {
			reports, err := checkVectors(names)
			if err != nil {
				return err
			}
			printVectorReports(cmd.OutOrStdout(), reports, verbose)
			return vectorVerdict(reports)
		},
	}
	cmd.Flags().BoolVarP(&verbose, "verbose", "v", false, "list every case, not only the failing ones")
	return cmd
}

// checkVectors runs the named vector files (all when names is empty).
func checkVectors(names []string) ([]*verify.Report, error) {
	if len(names) == 0 {
		reports, err := verify.All()
		if err != nil {
			return nil, failf("check vectors: %v", err)
		}
		return reports, nil
	}
	var reports []*verify.Report
	for _, name := range names {
		r, err := verify.File(name)
		if err != nil {
			return nil, usagef("list them with 'emsg vectors list'", "check %s: %v", name, err)
		}
		reports = append(reports, r)
	}
	return reports, nil
}

// printVectorReports prints one line per file, then the cases that did not
// pass (every case with verbose).
func printVectorReports(out io.Writer, reports []*verify.Report, verbose bool) {
	w := tabwriter.NewWriter(out, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "vector file\tcases\tpass\tfail\tbroken\t")
	for _, r := range reports {
		fmt.Fprintf(w, "%s\t%d\t%d\t%d\t%d\t\n", r.File, len(r.Cases), r.Count(verify.Pass), r.Count(verify.Fail), r.Count(verify.Broken))
	}
	w.Flush()
	for _, r := range reports {
		for _, c := range r.Cases {
			if verbose || c.Verdict != verify.Pass {
				fmt.Fprintf(out, "%-6s %s #%d %s%s\n", c.Verdict, r.File, c.TcID, c.Comment, problemSuffix(c))
			}
		}
	}
}

func problemSuffix(c verify.Case) string {
	if c.Problem == "" {
		return ""
	}
	return ": " + c.Problem
}

// vectorVerdict fails when any case of any report did not pass.
func vectorVerdict(reports []*verify.Report) error {
	bad, total := 0, 0
	for _, r := range reports {
		total += len(r.Cases)
		bad += r.Count(verify.Fail) + r.Count(verify.Broken)
	}
	if bad > 0 {
		return failf("%d of %d vector cases did not pass", bad, total)
	}
	return nil
}
