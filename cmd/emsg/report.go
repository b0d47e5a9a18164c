package main

import (
	"bytes"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/emsg-project/emsg/reports/diff"
)

// newReportCommand is the `emsg report` group: compare saved runs and
// render them again.
func newReportCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "report",
		Short: "Compare saved conformance runs and render them as HTML, JUnit, Markdown and badges",
		Long: `report works on the JSON results files a conformance run writes (run.json).
'diff' lists regressions and improvements between two runs and exits 1 on a
regression, so a CI pipeline can gate a release on it; 'render' turns one or
more runs into reports again, several runs side by side.`,
	}
	cmd.AddCommand(newReportDiffCommand(), newReportRenderCommand())
	return cmd
}

func newReportDiffCommand() *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "diff OLD NEW",
		Short: "List regressions and improvements from run OLD to run NEW; exit 1 on a regression",
		Long: `diff compares two results files case by case and profile by profile. A
regression is a case that now fails, a case that passed and now fails
non-strictly or as an expected failure, or a profile that lost its
certification. Results of other kinds (load runs) are compared by their own
rules, chosen by the "kind" field of the files.`,
		Example: `  emsg report diff main/run.json pr/run.json
  emsg report diff --format markdown old.json new.json >> "$GITHUB_STEP_SUMMARY"`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := diff.ParseFormat(format)
			if err != nil {
				return usagef("formats are console and markdown", "%v", err)
			}
			return runDiff(cmd, args[0], args[1], f)
		},
	}
	cmd.Flags().StringVar(&format, "format", "console", "output format: console or markdown")
	return cmd
}

// runDiff compares the files and turns a regression into exit code 1.
func runDiff(cmd *cobra.Command, oldPath, newPath string, f diff.Format) error {
	old, err := readResults(oldPath)
	if err != nil {
		return err
	}
	cur, err := readResults(newPath)
	if err != nil {
		return err
	}
	var out bytes.Buffer
	regressed, err := diff.Documents(&out, old, cur, f)
	if err != nil {
		return usagef("both files must be results files of one kind, as 'emsg conform' writes them", "%v", err)
	}
	if _, err := cmd.OutOrStdout().Write(out.Bytes()); err != nil {
		return fmt.Errorf("write diff: %w", err)
	}
	if regressed {
		return failf("%s regressed against %s", newPath, oldPath)
	}
	return nil
}

func readResults(path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, usagef("", "read results: %v", err)
	}
	return data, nil
}
