package main

import (
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/emsg-project/emsg/spec"
)

func newConformCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "conform",
		Short: "Run every conformance check that exists against the in-process reference",
		Long: `conform checks the embedded spec for consistency and runs every test vector
against the reference protocol library, then says which suites do not exist
yet. The server and client suites, and the targets that run other
implementations (processes, containers), arrive with the reference server and
the conformance harness.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			out := cmd.OutOrStdout()
			fmt.Fprintln(out, "EMSG/1 conformance: in-process reference")
			fmt.Fprintln(out)
			specErr := checkSpec(out)
			fmt.Fprintln(out)
			reports, err := checkVectors(nil)
			if err != nil {
				return err
			}
			printVectorReports(out, reports, false)
			fmt.Fprintln(out)
			printMissingSuites(out)
			if specErr != nil {
				return specErr
			}
			return vectorVerdict(reports)
		},
	}
}

// checkSpec loads every part of the embedded spec and validates every
// schema example, printing one line per part.
func checkSpec(out io.Writer) error {
	w := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	defer w.Flush()
	var failures []string
	note := func(part, result string, err error) {
		if err != nil {
			failures = append(failures, fmt.Sprintf("%s: %v", part, err))
			result = "FAIL " + err.Error()
		}
		fmt.Fprintf(w, "spec %s\t%s\n", part, result)
	}
	n, err := checkSchemaExamples()
	note("schemas", fmt.Sprintf("%d schemas compile, %d examples valid", len(spec.SchemaNames()), n), err)
	for _, api := range spec.APIs {
		_, err := spec.Document(api)
		note("openapi "+string(api), fmt.Sprintf("%d operations", len(spec.Operations(api))), err)
	}
	_, err = spec.Catalogue()
	note("requirements", requirementCounts(), err)
	if len(failures) > 0 {
		return failf("the embedded spec is inconsistent: %s", failures[0])
	}
	return nil
}

// checkSchemaExamples validates every example of every schema and returns
// how many there were.
func checkSchemaExamples() (int, error) {
	n := 0
	for _, name := range spec.SchemaNames() {
		examples, err := spec.SchemaExamples(name)
		if err != nil {
			return n, err
		}
		for _, ex := range examples {
			if err := spec.ValidateJSON(name, ex); err != nil {
				return n, fmt.Errorf("example of %s: %w", name, err)
			}
			n++
		}
	}
	return n, nil
}

// requirementCounts summarises the catalogue by level.
func requirementCounts() string {
	s := fmt.Sprintf("%d statements:", len(spec.Requirements()))
	for _, l := range spec.Levels() {
		s += fmt.Sprintf(" %d %s", len(spec.RequirementsByLevel(l)), l)
	}
	return s
}

// printMissingSuites says plainly what this command cannot check yet.
func printMissingSuites(out io.Writer) {
	fmt.Fprintln(out, "not run yet (no suite exists):")
	for _, p := range spec.Profiles() {
		fmt.Fprintf(out, "  %-10s %3d MUST statements: the %s suite needs the reference server and the conformance harness\n",
			p, countMust(p), p)
	}
	fmt.Fprintln(out, "no profile is certified by this run: certification needs a passing test for every MUST of a profile")
}

func countMust(p spec.Profile) int {
	n := 0
	for _, r := range spec.RequirementsByProfile(p) {
		if r.Level == spec.Must {
			n++
		}
	}
	return n
}
