package spec

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
)

// mustCatalogue returns the embedded catalogue or fails the test.
func mustCatalogue(t *testing.T) []Section {
	t.Helper()
	sections, err := Catalogue()
	if err != nil {
		t.Fatalf("Catalogue: %v", err)
	}
	return sections
}

func TestCatalogueSectionsFollowTheBrief(t *testing.T) {
	sections := mustCatalogue(t)
	var ids []string
	for _, s := range sections {
		ids = append(ids, s.ID)
	}
	want := []string{"1", "2", "3", "4", "5", "6", "7", "8", "9"}
	if !slices.Equal(ids, want) {
		t.Errorf("section ids = %v, want %v", ids, want)
	}
}

func TestRequirementIDsUniqueAndWellFormed(t *testing.T) {
	form := regexp.MustCompile(`^[A-Z]+(-[A-Z0-9]+)*-[0-9]{2}$`)
	seen := map[string]bool{}
	for _, r := range Requirements() {
		if !form.MatchString(r.ID) {
			t.Errorf("%s: malformed id", r.ID)
		}
		if seen[r.ID] {
			t.Errorf("%s: duplicate id", r.ID)
		}
		seen[r.ID] = true
	}
}

func TestRequirementsUseClosedSets(t *testing.T) {
	for _, r := range Requirements() {
		if !slices.Contains(Levels(), r.Level) {
			t.Errorf("%s: level %q not in %v", r.ID, r.Level, Levels())
		}
		if !slices.Contains(Profiles(), r.Profile) {
			t.Errorf("%s: profile %q not in %v", r.ID, r.Profile, Profiles())
		}
		if r.Section == "" {
			t.Errorf("%s: no section", r.ID)
		}
	}
}

func TestStatementsSayTheirLevel(t *testing.T) {
	for _, r := range Requirements() {
		if !regexp.MustCompile(`\b` + string(r.Level) + `\b`).MatchString(r.Statement) {
			t.Errorf("%s: %s statement does not say %s: %q", r.ID, r.Level, r.Level, r.Statement)
		}
	}
}

// TestRefsExist checks that every ref names a schema file of spec/schemas or
// an operationId of spec/openapi.
func TestRefsExist(t *testing.T) {
	known := map[string]bool{}
	for _, name := range SchemaNames() {
		known[name+".json"] = true
	}
	for _, api := range APIs {
		for _, o := range Operations(api) {
			known[o.OperationID] = true
		}
	}
	if len(known) == 0 {
		t.Fatal("no schemas and no operations loaded")
	}
	refs := 0
	for _, r := range Requirements() {
		for _, ref := range r.Refs {
			refs++
			if !known[ref] {
				t.Errorf("%s: ref %q is neither a schema file nor an operationId", r.ID, ref)
			}
		}
	}
	if refs == 0 {
		t.Error("no requirement has refs")
	}
}

// TestEveryErrorCodeIsRequired checks that each code of errors.yaml is named
// (in code font) by at least one requirement: a code no statement uses is
// one no test checks.
func TestEveryErrorCodeIsRequired(t *testing.T) {
	codes := ErrorCodes()
	if len(codes) == 0 {
		t.Fatal("no error codes")
	}
	for _, c := range codes {
		mention := "`" + c.Code + "`"
		if !slices.ContainsFunc(Requirements(), func(r Requirement) bool {
			return strings.Contains(r.Statement, mention)
		}) {
			t.Errorf("error code %s is named by no requirement", c.Code)
		}
	}
}

// TestStatementsNameOnlyKnownCodes checks the converse: where a statement
// names the error of a rejection (", with `x`" or "a per-item `x` error"),
// x is an error code of errors.yaml.
func TestStatementsNameOnlyKnownCodes(t *testing.T) {
	codeAfterWith := regexp.MustCompile("(?:, with|per-item) `([a-z_]+)`")
	for _, r := range Requirements() {
		for _, m := range codeAfterWith.FindAllStringSubmatch(r.Statement, -1) {
			if _, ok := StatusOf(m[1]); !ok {
				t.Errorf("%s: rejects with %q, which is not an error code", r.ID, m[1])
			}
		}
	}
}

func TestCatalogueSize(t *testing.T) {
	if n := len(Requirements()); n < 150 {
		t.Errorf("catalogue has %d requirements, want at least 150", n)
	}
}

func TestEveryProfileHasMusts(t *testing.T) {
	for _, p := range Profiles() {
		musts := 0
		for _, r := range RequirementsByProfile(p) {
			if r.Level == Must {
				musts++
			}
		}
		if musts < 5 {
			t.Errorf("profile %s has %d MUST requirements, want at least 5", p, musts)
		}
	}
}

func TestLookups(t *testing.T) {
	all := Requirements()
	// happy path: every requirement is found by its id, with its section
	for _, want := range all {
		got, ok := RequirementByID(want.ID)
		if !ok || got.ID != want.ID || got.Section != want.Section {
			t.Fatalf("RequirementByID(%s) = %+v, %v", want.ID, got, ok)
		}
	}
	// sad path: an unknown id is not found
	if _, ok := RequirementByID("NOPE-NOPE-01"); ok {
		t.Error("RequirementByID(NOPE-NOPE-01) found something")
	}
	// the filters partition the catalogue
	byProfile, byLevel := 0, 0
	for _, p := range Profiles() {
		for _, r := range RequirementsByProfile(p) {
			if r.Profile != p {
				t.Errorf("RequirementsByProfile(%s) returned %s of %s", p, r.ID, r.Profile)
			}
			byProfile++
		}
	}
	for _, l := range Levels() {
		for _, r := range RequirementsByLevel(l) {
			if r.Level != l {
				t.Errorf("RequirementsByLevel(%s) returned %s of %s", l, r.ID, r.Level)
			}
			byLevel++
		}
	}
	if byProfile != len(all) || byLevel != len(all) {
		t.Errorf("filters cover %d (profiles) and %d (levels) of %d", byProfile, byLevel, len(all))
	}
}

func TestCatalogueReturnsCopies(t *testing.T) {
	first := mustCatalogue(t)
	id := first[0].Requirements[0].ID
	first[0].Requirements[0].ID = "CHANGED-00"
	first[0].Title = "changed"
	again := mustCatalogue(t)
	if again[0].Requirements[0].ID != id || again[0].Title == "changed" {
		t.Error("a caller's change to Catalogue's result leaked into the catalogue")
	}
}

func TestCatalogueConcurrent(t *testing.T) {
	var wg sync.WaitGroup
	counts := make([]int, 8)
	for i := range counts {
		wg.Go(func() { counts[i] = len(Requirements()) })
	}
	wg.Wait()
	for i, n := range counts {
		if n != counts[0] || n == 0 {
			t.Errorf("goroutine %d saw %d requirements, goroutine 0 saw %d", i, n, counts[0])
		}
	}
}

// catalogueYAML builds a one-section catalogue around one requirement.
func catalogueYAML(req string) string {
	return "sections:\n  - id: \"1\"\n    title: T\n    intro: prose\n    requirements:\n" + req
}

// requirementYAML builds one requirement entry.
func requirementYAML(id, level, profile, statement string) string {
	return fmt.Sprintf("      - id: %s\n        level: %s\n        profile: %s\n        statement: %q\n",
		id, level, profile, statement)
}

func TestParseCatalogue(t *testing.T) {
	good := requirementYAML("ADDR-SYNTAX-01", "MUST", "core", "A server MUST reject it.")
	tests := []struct {
		name    string
		yaml    string
		wantErr bool
		rule    bool // the error wraps ErrCatalogue
	}{
		// happy path
		{"one section, one requirement", catalogueYAML(good), false, false},
		{"SHOULD NOT counts as SHOULD", catalogueYAML(requirementYAML("A-01", "SHOULD", "client", "A client SHOULD NOT do it.")), false, false},
		{"rationale and refs", catalogueYAML(good + "        rationale: why\n        refs: [envelope.json]\n"), false, false},

		// sad path: YAML shape
		{"not YAML", "sections: [", true, false},
		{"unknown field", catalogueYAML(good + "        colour: red\n"), true, false},
		{"no sections", "sections: []\n", true, true},

		// sad path: sections
		{"section without id", strings.Replace(catalogueYAML(good), `id: "1"`, `id: ""`, 1), true, true},
		{"section without intro", strings.Replace(catalogueYAML(good), "intro: prose", "intro: \"\"", 1), true, true},
		{"section without requirements", "sections:\n  - id: \"1\"\n    title: T\n    intro: x\n", true, true},
		{"section id twice", catalogueYAML(good) + strings.TrimPrefix(catalogueYAML(requirementYAML("B-01", "MUST", "core", "x MUST y")), "sections:\n"), true, true},

		// sad path: requirements
		{"lower-case id", catalogueYAML(requirementYAML("addr-01", "MUST", "core", "x MUST y")), true, true},
		{"id without number", catalogueYAML(requirementYAML("ADDR-SYNTAX", "MUST", "core", "x MUST y")), true, true},
		{"three-digit number", catalogueYAML(requirementYAML("ADDR-001", "MUST", "core", "x MUST y")), true, true},
		{"duplicate id", catalogueYAML(good + good), true, true},
		{"unknown level", catalogueYAML(requirementYAML("A-01", "SHALL", "core", "x SHALL y")), true, true},
		{"unknown profile", catalogueYAML(requirementYAML("A-01", "MUST", "admin", "x MUST y")), true, true},
		{"statement without its keyword", catalogueYAML(requirementYAML("A-01", "MUST", "core", "x must y")), true, true},
		{"statement with a second keyword", catalogueYAML(requirementYAML("A-01", "MUST", "core", "x MUST y and MAY z")), true, true},
		{"empty statement", catalogueYAML(requirementYAML("A-01", "MUST", "core", "")), true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sections, err := ParseCatalogue([]byte(tt.yaml))
			if (err != nil) != tt.wantErr {
				t.Fatalf("ParseCatalogue error = %v, want error %v", err, tt.wantErr)
			}
			if err != nil {
				if got := errors.Is(err, ErrCatalogue); got != tt.rule {
					t.Errorf("errors.Is(err, ErrCatalogue) = %v, want %v (err: %v)", got, tt.rule, err)
				}
				return
			}
			if got := sections[0].Requirements[0].Section; got != "1" {
				t.Errorf("Section = %q, want 1", got)
			}
		})
	}
}

// TestDecidedStatements pins the lead's decisions on codes, levels and
// profiles, so that a later edit of a statement cannot quietly undo one.
func TestDecidedStatements(t *testing.T) {
	cases := []struct {
		id      string
		level   Level
		profile Profile
		says    []string // each must appear in the statement
		never   []string // none may appear
	}{
		// the first session-socket frame that is not a valid session_open: bad_request, not unauthorized
		{"SESS-AUTH-01", Must, "sessions", []string{"`bad_request`", "`session_open`"}, []string{"`unauthorized`"}},
		// expiry before key and signature, all unauthorized
		{"SESS-AUTH-03", Must, "sessions", []string{"`unauthorized`", "expired", "whether or not its signature verifies"}, nil},
		// a proof about another ticket or peer is malformed, not forbidden
		{"SESS-AUTH-04", Must, "sessions", []string{"`bad_request`", "`ticket`", "`peer`"}, []string{"`forbidden`", "`host`"}},
		// another host's ticket or proof: forbidden (wrong_destination)
		{"SESS-AUTH-08", Must, "sessions", []string{"`forbidden`", "`host`"}, nil},
		// a signature of the wrong length is malformed input
		{"SIG-LEN-01", Must, "core", []string{"`bad_request`", "64"}, []string{"`bad_signature`"}},
		// group operations answer 202 with the request id
		{"GROUP-ACCEPT-01", Must, "groups", []string{"`202`", "`{\"id\": ...}`", "local or remote"}, nil},
		// the host's per-item result carries the refusal's code
		{"GROUP-REFUSED-01", Must, "groups", []string{"`group_request`", "`error`"}, nil},
		// the actor's server turns a refusal into group_refused
		{"GROUP-REFUSED-02", Must, "groups", []string{"`group_refused`", "`id`", "`op`"}, nil},
		// items without a ttl may be dropped after max_ttl
		{"FED-QUEUE-10", May, "federation", []string{"`max_ttl`", "`group_request`", "`receipt`"}, []string{"`envelope`"}},
	}
	for _, c := range cases {
		r, ok := RequirementByID(c.id)
		if !ok {
			t.Errorf("%s: no such requirement", c.id)
			continue
		}
		if r.Level != c.level || r.Profile != c.profile {
			t.Errorf("%s: %s/%s, want %s/%s", c.id, r.Level, r.Profile, c.level, c.profile)
		}
		for _, s := range c.says {
			if !strings.Contains(r.Statement, s) {
				t.Errorf("%s: statement does not say %s: %q", c.id, s, r.Statement)
			}
		}
		for _, s := range c.never {
			if strings.Contains(r.Statement, s) {
				t.Errorf("%s: statement says %s: %q", c.id, s, r.Statement)
			}
		}
	}
}

// TestWrongLengthSignatureIsBadRequest checks that no statement makes a
// signature of the wrong length a bad_signature (SIG-LEN-01: bad_request).
func TestWrongLengthSignatureIsBadRequest(t *testing.T) {
	length := regexp.MustCompile(`(?i)(64 bytes|length|too short|too long)`)
	for _, r := range Requirements() {
		if strings.Contains(r.Statement, "`bad_signature`") && length.MatchString(r.Statement) {
			t.Errorf("%s: ties bad_signature to a signature's length: %q", r.ID, r.Statement)
		}
	}
}
