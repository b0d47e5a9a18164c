package spec

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/goccy/go-yaml"
)

// ErrCatalogue is wrapped by every error [ParseCatalogue] returns for a
// catalogue that parses as YAML but breaks the catalogue's rules.
var ErrCatalogue = errors.New("bad requirements catalogue")

// requirementID is the form of a requirement ID: upper-case area words
// joined by "-", then a two-digit number (ADDR-SYNTAX-01, FED-SPOOF-01).
var requirementID = regexp.MustCompile(`^[A-Z]+(-[A-Z0-9]+)*-[0-9]{2}$`)

// levelKeyword finds RFC 2119 keywords written in upper case as words.
var levelKeyword = regexp.MustCompile(`\b(MUST|SHOULD|MAY)\b`)

// catalogueFile is the top level of requirements.yaml.
type catalogueFile struct {
	Sections []Section `yaml:"sections"`
}

// ParseCatalogue parses a requirements catalogue in the format of
// spec/requirements.yaml and checks its rules: known fields only; section IDs
// unique, with a title and an intro; requirement IDs well formed and unique
// across the catalogue; levels and profiles from the closed sets ([Levels],
// [Profiles]); and every statement written with exactly one RFC 2119 keyword,
// its own level in upper case (one obligation per statement). It fills in
// each requirement's Section. Errors wrap [ErrCatalogue] when the YAML is
// well formed but a rule is broken.
func ParseCatalogue(data []byte) ([]Section, error) {
	var file catalogueFile
	if err := yaml.UnmarshalWithOptions(data, &file, yaml.DisallowUnknownField()); err != nil {
		return nil, fmt.Errorf("parse requirements catalogue: %w", err)
	}
	if len(file.Sections) == 0 {
		return nil, fmt.Errorf("%w: no sections", ErrCatalogue)
	}
	seenSection := map[string]bool{}
	seenID := map[string]string{}
	for i := range file.Sections {
		s := &file.Sections[i]
		if err := checkSection(s, seenSection); err != nil {
			return nil, err
		}
		for j := range s.Requirements {
			r := &s.Requirements[j]
			r.Section = s.ID
			if err := checkRequirement(*r, seenID); err != nil {
				return nil, fmt.Errorf("section %s: %w", s.ID, err)
			}
		}
	}
	return file.Sections, nil
}

// checkSection checks the fields of a section and records its ID.
func checkSection(s *Section, seen map[string]bool) error {
	switch {
	case s.ID == "":
		return fmt.Errorf("%w: section %q has no id", ErrCatalogue, s.Title)
	case seen[s.ID]:
		return fmt.Errorf("%w: section id %s used twice", ErrCatalogue, s.ID)
	case strings.TrimSpace(s.Title) == "":
		return fmt.Errorf("%w: section %s has no title", ErrCatalogue, s.ID)
	case strings.TrimSpace(s.Intro) == "":
		return fmt.Errorf("%w: section %s has no intro", ErrCatalogue, s.ID)
	case len(s.Requirements) == 0:
		return fmt.Errorf("%w: section %s has no requirements", ErrCatalogue, s.ID)
	}
	seen[s.ID] = true
	return nil
}

// checkRequirement checks one requirement and records its ID in seen
// (ID → section) so duplicates anywhere in the catalogue are found.
func checkRequirement(r Requirement, seen map[string]string) error {
	if !requirementID.MatchString(r.ID) {
		return fmt.Errorf("%w: requirement id %q is not of the form AREA-WORD-01", ErrCatalogue, r.ID)
	}
	if other, dup := seen[r.ID]; dup {
		return fmt.Errorf("%w: requirement id %s also used in section %s", ErrCatalogue, r.ID, other)
	}
	seen[r.ID] = r.Section
	if !slices.Contains(Levels(), r.Level) {
		return fmt.Errorf("%w: %s: level %q is not one of MUST, SHOULD, MAY", ErrCatalogue, r.ID, r.Level)
	}
	if !slices.Contains(Profiles(), r.Profile) {
		return fmt.Errorf("%w: %s: unknown profile %q", ErrCatalogue, r.ID, r.Profile)
	}
	return checkStatement(r)
}

// checkStatement checks that a statement states exactly one obligation: it
// names its own level keyword in upper case and no other.
func checkStatement(r Requirement) error {
	if strings.TrimSpace(r.Statement) == "" {
		return fmt.Errorf("%w: %s: empty statement", ErrCatalogue, r.ID)
	}
	found := levelKeyword.FindAllString(r.Statement, -1)
	if !slices.Contains(found, string(r.Level)) {
		return fmt.Errorf("%w: %s: a %s statement must say %s", ErrCatalogue, r.ID, r.Level, r.Level)
	}
	for _, k := range found {
		if Level(k) != r.Level {
			return fmt.Errorf("%w: %s: a %s statement also says %s; split it", ErrCatalogue, r.ID, r.Level, k)
		}
	}
	return nil
}
