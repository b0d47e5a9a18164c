package verify

import (
	"bytes"
	"fmt"

	"github.com/emsg-project/emsg/vectors"
)

// fields reads the inputs and expected outputs of one test and its group
// for a runner. A missing or mistyped field means the vector file is broken,
// not the library: the first such error is kept in err, later reads return
// zero values, and the runner returns err before using them.
type fields struct {
	g   *vectors.Group
	tc  *vectors.Test
	err error
}

func newFields(g *vectors.Group, tc *vectors.Test) *fields { return &fields{g: g, tc: tc} }

// str returns the test's string field name.
func (f *fields) str(name string) string {
	s, err := f.tc.String(name)
	f.keep(err)
	return s
}

// bytes returns the test's base64url field name, decoded.
func (f *fields) bytes(name string) []byte {
	b, err := f.tc.Bytes(name)
	f.keep(err)
	return b
}

// groupBytes returns the group's base64url parameter name, decoded.
func (f *fields) groupBytes(name string) []byte {
	b, err := f.g.Bytes(name)
	f.keep(err)
	return b
}

func (f *fields) keep(err error) {
	if f.err == nil && err != nil {
		f.err = err
	}
}

// fail is the outcome of a library call that returned err.
func fail(err error) Outcome { return Outcome{Err: err} }

// wantBytes returns a mismatch error when got differs from want.
func wantBytes(what string, got, want []byte) error {
	if bytes.Equal(got, want) {
		return nil
	}
	return fmt.Errorf("%s: got %q, want %q", what, got, want)
}
