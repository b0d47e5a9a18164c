package spec

import (
	_ "embed"
	"slices"
	"sync"
)

// RequirementsYAML is the normative requirements catalogue of EMSG/1 as
// committed in spec/requirements.yaml: every normative statement of the
// protocol, grouped in numbered sections, each with a stable ID, a level and
// a profile. [Catalogue] parses it; spec/EMSG.md is generated from it.
//
//go:embed requirements.yaml
var RequirementsYAML []byte

// Level is the RFC 2119 strength of a requirement. Conformance reports
// count MUST failures against a profile; SHOULD failures are warnings; MAY
// statements describe permitted behaviour the peer must tolerate.
type Level string

// The levels, strongest first.
const (
	Must   Level = "MUST"
	Should Level = "SHOULD"
	May    Level = "MAY"
)

// Levels returns the closed set of levels, strongest first.
func Levels() []Level { return []Level{Must, Should, May} }

// Profile is a unit an implementation can be certified for. A server claims
// profiles in the "features" list of its discovery document; a client claims
// the client profile. Every MUST of a claimed profile needs a passing test.
type Profile string

// The profiles of EMSG/1.
const (
	Core       Profile = "core"       // accounts, login, contacts, 1:1 messaging, stream, signals, admin
	Federation Profile = "federation" // server-to-server transactions, discovery, queues
	Groups     Profile = "groups"     // group hosting, membership, fan-out
	Sessions   Profile = "sessions"   // session tickets and session sockets
	Retention  Profile = "retention"  // ttl, expiry, favorites
	Migration  Profile = "migration"  // export, import, move, delete
	Client     Profile = "client"     // obligations of a client implementation
)

// Profiles returns the closed set of profiles in the order the spec lists them.
func Profiles() []Profile {
	return []Profile{Core, Federation, Groups, Sessions, Retention, Migration, Client}
}

// Requirement is one normative statement: an obligation a test can check.
// Section is the ID of the [Section] that holds it (filled in on parsing).
// Refs name the JSON Schema files (e.g. "envelope.json") and OpenAPI
// operationIds the statement concerns.
type Requirement struct {
	ID        string   `yaml:"id"`
	Level     Level    `yaml:"level"`
	Profile   Profile  `yaml:"profile"`
	Section   string   `yaml:"-"`
	Statement string   `yaml:"statement"`
	Rationale string   `yaml:"rationale,omitempty"`
	Refs      []string `yaml:"refs,omitempty"`
}

// Section is one numbered section of the specification: teaching prose
// (Intro, Markdown) followed by the requirements it introduces.
type Section struct {
	ID           string        `yaml:"id"`
	Title        string        `yaml:"title"`
	Intro        string        `yaml:"intro"`
	Requirements []Requirement `yaml:"requirements"`
}

// catalogue is the embedded catalogue, parsed on first use.
var catalogue = sync.OnceValues(func() ([]Section, error) {
	return ParseCatalogue(RequirementsYAML)
})

// Catalogue returns the sections of the embedded catalogue, in order. The
// catalogue is parsed and checked once; every call returns a fresh copy of
// the slices, so callers may modify what they get. The error is non-nil only
// if the committed requirements.yaml is broken, which the package tests
// rule out.
func Catalogue() ([]Section, error) {
	sections, err := catalogue()
	if err != nil {
		return nil, err
	}
	out := make([]Section, len(sections))
	for i, s := range sections {
		s.Requirements = cloneRequirements(s.Requirements)
		out[i] = s
	}
	return out, nil
}

// Requirements returns every requirement of the embedded catalogue in
// document order (nil if the catalogue does not parse).
func Requirements() []Requirement {
	sections, err := catalogue()
	if err != nil {
		return nil
	}
	var out []Requirement
	for _, s := range sections {
		out = append(out, cloneRequirements(s.Requirements)...)
	}
	return out
}

// RequirementByID returns the requirement with the given ID.
func RequirementByID(id string) (Requirement, bool) {
	for _, r := range Requirements() {
		if r.ID == id {
			return r, true
		}
	}
	return Requirement{}, false
}

// RequirementsByProfile returns the requirements of profile p in document order.
func RequirementsByProfile(p Profile) []Requirement {
	return filterRequirements(func(r Requirement) bool { return r.Profile == p })
}

// RequirementsByLevel returns the requirements of level l in document order.
func RequirementsByLevel(l Level) []Requirement {
	return filterRequirements(func(r Requirement) bool { return r.Level == l })
}

func filterRequirements(keep func(Requirement) bool) []Requirement {
	var out []Requirement
	for _, r := range Requirements() {
		if keep(r) {
			out = append(out, r)
		}
	}
	return out
}

func cloneRequirements(rs []Requirement) []Requirement {
	out := slices.Clone(rs)
	for i := range out {
		out[i].Refs = slices.Clone(out[i].Refs)
	}
	return out
}
