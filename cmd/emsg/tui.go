package main

import (
	"errors"
	"fmt"
	"io"
)

// CLI messages follow one rule (after age's cmd/age/tui.go): the prefix
// "emsg: error: " or "emsg: warning: ", no capital letter, no full stop, and
// a "emsg: hint: " line where one helps.

// exitError is a failure the CLI reports and turns into an exit code.
type exitError struct {
	code int
	msg  string
	hint string
}

func (e *exitError) Error() string { return e.msg }

// failf returns an exitError with exit code 1 (the check failed).
func failf(format string, args ...any) error {
	return &exitError{code: 1, msg: fmt.Sprintf(format, args...)}
}

// usagef returns an exitError with exit code 2 (the command was misused),
// with a hint.
func usagef(hint, format string, args ...any) error {
	return &exitError{code: 2, msg: fmt.Sprintf(format, args...), hint: hint}
}

// report prints err by the rule and returns the process exit code.
func report(stderr io.Writer, err error) int {
	if err == nil {
		return 0
	}
	var ee *exitError
	if !errors.As(err, &ee) {
		ee = &exitError{code: 2, msg: err.Error()}
	}
	fmt.Fprintf(stderr, "emsg: error: %s\n", ee.msg)
	if ee.hint != "" {
		fmt.Fprintf(stderr, "emsg: hint: %s\n", ee.hint)
	}
	return ee.code
}
