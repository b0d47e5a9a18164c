package resolve

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFromEnv(t *testing.T) {
	dir := t.TempDir()
	lab := filepath.Join(dir, "lab.conf")
	writeFile(t, lab, "# lab\na.test 127.0.0.1:7001\nb.test 127.0.0.1:7002\n")
	broken := filepath.Join(dir, "broken.conf")
	writeFile(t, broken, "a.test 127.0.0.1:0\n")

	tests := []struct {
		name    string
		env     map[string]string
		want    string // String() of the table, when accepted
		kind    error  // kind of the error, when rejected
		message string // piece of the error message, when rejected
	}{
		// Happy path.
		{name: "neither variable: the empty table", env: map[string]string{}, want: ""},
		{name: "both variables empty: the empty table", env: map[string]string{EnvResolve: "", EnvResolveFile: ""}, want: ""},
		{name: "variable only", env: map[string]string{EnvResolve: "c.test=[::1]:7003"}, want: "c.test=[::1]:7003"},
		{name: "file only", env: map[string]string{EnvResolveFile: lab}, want: "a.test=127.0.0.1:7001,b.test=127.0.0.1:7002"},
		{name: "both sources are merged", env: map[string]string{EnvResolveFile: lab, EnvResolve: "c.test=[::1]:7003"},
			want: "a.test=127.0.0.1:7001,b.test=127.0.0.1:7002,c.test=[::1]:7003"},

		// Sad path: neither source overrides the other.
		{name: "a domain in both sources", env: map[string]string{EnvResolveFile: lab, EnvResolve: "c.test=[::1]:7003,b.test=127.0.0.1:9"},
			kind: ErrDuplicate, message: `EMSG_RESOLVE entry 2 "b.test=127.0.0.1:9": domain mapped twice: b.test is already mapped by ` + lab + ` line 3 "b.test 127.0.0.1:7002"`},
		{name: "a domain in both sources, same target", env: map[string]string{EnvResolveFile: lab, EnvResolve: "a.test=127.0.0.1:7001"},
			kind: ErrDuplicate, message: "EMSG_RESOLVE entry 1"},
		// Sad path: either source broken.
		{name: "bad variable", env: map[string]string{EnvResolveFile: lab, EnvResolve: "c.test=[::1]"}, kind: ErrHost, message: "EMSG_RESOLVE entry 1"},
		{name: "bad file", env: map[string]string{EnvResolveFile: broken, EnvResolve: "c.test=[::1]:1"}, kind: ErrPort, message: "EMSG_RESOLVE_FILE: " + broken + " line 1"},
		{name: "missing file", env: map[string]string{EnvResolveFile: filepath.Join(dir, "nope")}, kind: os.ErrNotExist, message: "EMSG_RESOLVE_FILE: resolver file: open "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			table, err := FromEnv(func(k string) string { return tt.env[k] })
			switch {
			case tt.kind == nil && err != nil:
				t.Fatalf("got error %v, want table %q", err, tt.want)
			case tt.kind == nil && table.String() != tt.want:
				t.Fatalf("got table %q, want %q", table, tt.want)
			case tt.kind != nil && !errors.Is(err, tt.kind):
				t.Fatalf("got error %v, want %v", err, tt.kind)
			case tt.kind != nil && !strings.Contains(err.Error(), tt.message):
				t.Fatalf("got error %q, want it to contain %q", err, tt.message)
			}
		})
	}
}

func TestFromEnvReadsOnlyItsVariables(t *testing.T) {
	var asked []string
	_, err := FromEnv(func(k string) string { asked = append(asked, k); return "" })
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(asked, ","), "EMSG_RESOLVE_FILE,EMSG_RESOLVE"; got != want {
		t.Errorf("got variables %s read, want %s", got, want)
	}
}
