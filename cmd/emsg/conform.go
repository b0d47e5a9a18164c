package main

import (
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/emsg-project/emsg/spec"
)

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
