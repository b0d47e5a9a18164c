package canonical

import (
	"testing"

	"github.com/emsg-project/emsg/reference/protocol/wire"
)

func TestProtocolWithout(t *testing.T) {
	type found struct {
		value   string // "" when nil
		reached int
		blocked bool
	}
	tests := []struct {
		name  string
		in    string
		paths [][]string
		want  string
		found []found // one per path
	}{
		// happy path: the top-level sig goes and its value is returned
		{"top", `{ "to":"b", "sig":"xx", "from":"a" }`, [][]string{{"sig"}},
			`{"from":"a","to":"b"}`, []found{{`"xx"`, 1, false}}},
		// the first member removed: no comma left behind
		{"first", `{"a":1,"b":2}`, [][]string{{"a"}}, `{"b":2}`, []found{{`1`, 1, false}}},
		// the last member removed
		{"last", `{"a":1,"b":2}`, [][]string{{"b"}}, `{"a":1}`, []found{{`2`, 1, false}}},
		// the only member removed
		{"only", `{"sig":"s"}`, [][]string{{"sig"}}, `{}`, []found{{`"s"`, 1, false}}},
		// a nested member, and the top-level sig, in one pass
		{"nested", `{"sig":"s","prev":{"sig":"p","sign_key":"k"},"a":1}`, [][]string{{"sig"}, {"prev", "sig"}},
			`{"a":1,"prev":{"sign_key":"k"}}`, []found{{`"s"`, 1, false}, {`"p"`, 2, false}}},
		// the removed value is itself canonicalised, nested objects sorted
		{"value sorted", `{"k":{"b":{"d":1,"c":2},"a":[3]},"z":0}`, [][]string{{"k"}},
			`{"z":0}`, []found{{`{"a":[3],"b":{"c":2,"d":1}}`, 1, false}}},
		// an unsorted object inside a removed member leaves no trace in the rest
		{"unsorted removed", `{"z":{"y":1,"x":2},"m":{"q":{"b":1,"a":2}},"a":{"d":1,"c":2}}`, [][]string{{"m"}},
			`{"a":{"c":2,"d":1},"z":{"x":2,"y":1}}`, []found{{`{"q":{"a":2,"b":1}}`, 1, false}}},
		// overlapping paths: both are followed, and the inner cut also
		// leaves its member out of the outer cut's value
		{"overlap", `{"sig":{"x":"in","y":0},"a":1}`, [][]string{{"sig"}, {"sig", "x"}},
			`{"a":1}`, []found{{`{"y":0}`, 1, false}, {`"in"`, 2, false}}},
		// the member name is compared after unescaping
		{"escaped name", `{"\u0073ig":"s","a":1}`, [][]string{{"sig"}}, `{"a":1}`, []found{{`"s"`, 1, false}}},
		// a sig inside an array is not on any path
		{"array", `{"list":[{"sig":1}],"sig":2}`, [][]string{{"sig"}}, `{"list":[{"sig":1}]}`, []found{{`2`, 1, false}}},
		// an empty path is ignored
		{"empty path", `{"b":1,"a":2}`, [][]string{{}}, `{"a":2,"b":1}`, []found{{"", 0, false}}},
		// sad path: the member is absent
		{"absent", `{"a":1}`, [][]string{{"sig"}}, `{"a":1}`, []found{{"", 0, false}}},
		// the path stops at an absent intermediate member
		{"absent parent", `{"a":1}`, [][]string{{"prev", "sig"}}, `{"a":1}`, []found{{"", 0, false}}},
		// the path stops inside an object that lacks the member
		{"absent leaf", `{"prev":{"k":1}}`, [][]string{{"prev", "sig"}}, `{"prev":{"k":1}}`, []found{{"", 1, false}}},
		// the path runs into a string
		{"blocked", `{"prev":"x"}`, [][]string{{"prev", "sig"}}, `{"prev":"x"}`, []found{{"", 1, true}}},
		// the path runs into an array, two levels down
		{"blocked deep", `{"a":{"b":[]}}`, [][]string{{"a", "b", "c"}}, `{"a":{"b":[]}}`, []found{{"", 2, true}}},
	}
	for _, tt := range tests {
		cuts := make([]*Cut, len(tt.paths))
		for i, p := range tt.paths {
			cuts[i] = &Cut{Path: p, Value: []byte("stale"), Reached: 9, Blocked: true}
		}
		got, err := ProtocolWithout([]byte(tt.in), cuts...)
		if err != nil || string(got) != tt.want {
			t.Errorf("%s: ProtocolWithout = %s, %v; want %s", tt.name, got, err, tt.want)
			continue
		}
		for i, k := range cuts {
			if f := (found{string(k.Value), k.Reached, k.Blocked}); f != tt.found[i] {
				t.Errorf("%s: cut %q found %+v, want %+v", tt.name, k.Path, f, tt.found[i])
			}
		}
	}
}

func TestProtocolWithoutRejects(t *testing.T) {
	tests := []struct {
		name, in string
		want     wire.Defect
	}{
		// sad path: two members that would be removed
		{"duplicate cut member", `{"sig":"a","sig":"b"}`, wire.BadEncoding},
		// a duplicate inside the removed member
		{"duplicate inside", `{"sig":{"a":1,"a":2}}`, wire.BadEncoding},
		// a float inside the removed member
		{"float inside", `{"sig":1.5}`, wire.BadEncoding},
		// not JSON
		{"garbage", `{sig}`, wire.BadEncoding},
		// an array is not an object
		{"array", `[{"sig":1}]`, wire.Malformed},
		// nor is a string
		{"string", `"sig"`, wire.Malformed},
		// a bad encoding wins over the wrong type
		{"bad array", `[1.5]`, wire.BadEncoding},
	}
	for _, tt := range tests {
		got, err := ProtocolWithout([]byte(tt.in), &Cut{Path: []string{"sig"}})
		if d := wire.DefectOf(err); d != tt.want {
			t.Errorf("%s: ProtocolWithout(%s) = %s, %v; want defect %s", tt.name, tt.in, got, err, tt.want)
		}
	}
}
