package resolve

import "fmt"

// The environment variables every EMSG implementation reads its resolver
// table from (RESOLVE-ENV-01, RESOLVE-FILE-01).
const (
	EnvResolve     = "EMSG_RESOLVE"      // comma-separated domain=host:port entries
	EnvResolveFile = "EMSG_RESOLVE_FILE" // the path of a resolver file
)

// FromEnv reads the resolver table of a process from EMSG_RESOLVE and the
// file named by EMSG_RESOLVE_FILE, through getenv (os.Getenv in a program, a
// map lookup in a test). A variable that is unset or empty contributes
// nothing, so with neither the table is empty.
//
// The two sources are merged and neither takes precedence: as the
// specification says, a domain may appear only once across both, so a
// domain mapped by both is an [ErrDuplicate] naming the two entries, even
// when they agree. Any error means the program must refuse to start
// (RESOLVE-BAD-01).
func FromEnv(getenv func(string) string) (Table, error) {
	fromFile := Table{}
	if path := getenv(EnvResolveFile); path != "" {
		t, err := LoadFile(path)
		if err != nil {
			return Table{}, fmt.Errorf("%s: %w", EnvResolveFile, err)
		}
		fromFile = t
	}
	fromVar, err := Parse(getenv(EnvResolve))
	if err != nil {
		return Table{}, err
	}
	return fromFile.Merge(fromVar)
}
