package spec

import "testing"

// FuzzParseCatalogue feeds arbitrary YAML to the catalogue parser: it never
// panics, and every catalogue it accepts keeps its own rules (well-formed,
// unique IDs; closed levels and profiles).
func FuzzParseCatalogue(f *testing.F) {
	f.Add(RequirementsYAML)
	f.Add([]byte("sections:\n- id: \"1\"\n  title: T\n  intro: x\n  requirements:\n  - id: A-01\n    level: MUST\n    profile: core\n    statement: A server MUST x.\n"))
	f.Add([]byte("sections: [{id: 1, requirements: [{id: A-01, id: A-02}]}]"))
	f.Fuzz(func(t *testing.T, data []byte) {
		sections, err := ParseCatalogue(data)
		if err != nil {
			return
		}
		seen := map[string]bool{}
		for _, s := range sections {
			for _, r := range s.Requirements {
				if seen[r.ID] || !requirementID.MatchString(r.ID) {
					t.Fatalf("accepted a duplicate or malformed ID %q", r.ID)
				}
				seen[r.ID] = true
			}
		}
	})
}
