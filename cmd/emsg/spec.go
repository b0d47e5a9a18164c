package main

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/emsg-project/emsg/spec"
)

func newSpecCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "spec",
		Short: "Look up requirements and schemas of the EMSG/1 spec, validate JSON against them",
	}
	cmd.AddCommand(newRequirementsCommand(), newSchemasCommand(), newValidateCommand())
	return cmd
}

func newRequirementsCommand() *cobra.Command {
	var profile, level string
	cmd := &cobra.Command{
		Use:   "requirements [ID...]",
		Short: "List requirements of the catalogue, filtered by ID, profile and level",
		Example: `  emsg spec requirements --profile federation --level MUST
  emsg spec requirements FED-SPOOF-01`,
		RunE: func(cmd *cobra.Command, ids []string) error {
			reqs, err := selectRequirements(ids, spec.Profile(profile), spec.Level(strings.ToUpper(level)))
			if err != nil {
				return err
			}
			w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
			for _, r := range reqs {
				fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", r.ID, r.Level, r.Profile, r.Statement)
			}
			return w.Flush()
		},
	}
	cmd.Flags().StringVar(&profile, "profile", "", "only this profile (core, federation, groups, sessions, retention, migration, client)")
	cmd.Flags().StringVar(&level, "level", "", "only this level (MUST, SHOULD, MAY)")
	return cmd
}

// selectRequirements returns the requirements with the given IDs (all when
// none are given) that match profile and level (any when empty).
func selectRequirements(ids []string, profile spec.Profile, level spec.Level) ([]spec.Requirement, error) {
	if profile != "" && !slices.Contains(spec.Profiles(), profile) {
		return nil, usagef("profiles are "+joinStrings(spec.Profiles()), "unknown profile %q", profile)
	}
	if level != "" && !slices.Contains(spec.Levels(), level) {
		return nil, usagef("levels are MUST, SHOULD and MAY", "unknown level %q", level)
	}
	var out []spec.Requirement
	for _, id := range ids {
		r, ok := spec.RequirementByID(id)
		if !ok {
			return nil, usagef("list them with 'emsg spec requirements'", "no requirement %q", id)
		}
		out = append(out, r)
	}
	if len(ids) == 0 {
		out = spec.Requirements()
	}
	return slices.DeleteFunc(out, func(r spec.Requirement) bool {
		return profile != "" && r.Profile != profile || level != "" && r.Level != level
	}), nil
}

func newSchemasCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "schemas",
		Short: "List the JSON Schemas of the spec with their titles",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
			for _, name := range spec.SchemaNames() {
				fmt.Fprintf(w, "%s\t%s\n", name, spec.SchemaTitle(name))
			}
			return w.Flush()
		},
	}
}

func newValidateCommand() *cobra.Command {
	var schema string
	cmd := &cobra.Command{
		Use:     "validate --schema NAME FILE...",
		Short:   "Validate JSON files against a schema of the spec",
		Example: `  emsg spec validate --schema envelope message.json`,
		Args:    cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, files []string) error {
			name := strings.TrimSuffix(schema, ".json")
			if !slices.Contains(spec.SchemaNames(), name) {
				return usagef("list them with 'emsg spec schemas'", "unknown schema %q", schema)
			}
			return validateFiles(cmd, name, files)
		},
	}
	cmd.Flags().StringVar(&schema, "schema", "", "schema name, e.g. envelope or key-bundle (required)")
	_ = cmd.MarkFlagRequired("schema")
	return cmd
}

// validateFiles validates every file, printing one line each, and fails if any is invalid.
func validateFiles(cmd *cobra.Command, schema string, files []string) error {
	failed := 0
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err == nil {
			err = spec.ValidateJSON(schema, raw)
		}
		if err != nil {
			failed++
			fmt.Fprintf(cmd.OutOrStdout(), "FAIL %s: %v\n", f, err)
			continue
		}
		fmt.Fprintf(cmd.OutOrStdout(), "ok   %s\n", f)
	}
	if failed > 0 {
		return failf("%d of %d files are not valid %s objects", failed, len(files), schema)
	}
	return nil
}

func joinStrings[S ~string](xs []S) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = string(x)
	}
	return strings.Join(parts, ", ")
}
