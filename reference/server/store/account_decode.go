package store

import (
	"bytes"
	"encoding/json"
	"strconv"
	"unicode/utf8"

	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// decodeAccount decodes a stored account record. Records are written by
// [Tx.PutAccount] as encoding/json writes an [Account]: the members in
// field order, compact. Every authenticated request and every delivery
// reads one or more accounts, and encoding/json takes several
// microseconds for each, so that exact form is read by position; any
// other form (an older or hand-made record, an escaped string) is decoded
// by encoding/json. A test holds the two to the same result.
func decodeAccount(raw []byte) (Account, error) {
	if a, ok := readAccount(raw); ok {
		return a, nil
	}
	var a Account
	err := json.Unmarshal(raw, &a)
	return a, err
}

// readAccount reads the form encoding/json writes, or reports false.
func readAccount(raw []byte) (Account, bool) {
	r := recordReader{b: raw, ok: true}
	var a Account
	r.literal(`{"address":`)
	a.Address = r.str()
	r.literal(`,"state":`)
	a.State = r.str()
	if r.maybe(`,"moved_to":`) {
		a.MovedTo = r.str()
	}
	r.literal(`,"created":`)
	a.Created = wire.Millis(r.int())
	r.literal(`,"settings":{"accept_strangers":`)
	a.Settings.AcceptStrangers = r.bool()
	r.literal(`,"accept_requests":`)
	a.Settings.AcceptRequests = r.bool()
	r.literal(`,"ttl":`)
	a.Settings.TTL = int(r.int())
	r.literal(`,"typing":`)
	a.Settings.Typing = r.bool()
	r.literal(`,"presence":`)
	a.Settings.Presence = r.bool()
	r.literal(`}}`)
	return a, r.ok && r.i == len(raw)
}

// recordReader reads a record by position; ok turns false at the first
// byte it does not expect and stays false.
type recordReader struct {
	b  []byte
	i  int
	ok bool
}

// literal consumes s.
func (r *recordReader) literal(s string) {
	if r.ok && bytes.HasPrefix(r.b[r.i:], []byte(s)) {
		r.i += len(s)
		return
	}
	r.ok = false
}

// maybe consumes s if it comes next.
func (r *recordReader) maybe(s string) bool {
	if r.ok && bytes.HasPrefix(r.b[r.i:], []byte(s)) {
		r.i += len(s)
		return true
	}
	return false
}

// str consumes a string of valid UTF-8 without escapes or control
// characters.
func (r *recordReader) str() string {
	if !r.ok || r.i >= len(r.b) || r.b[r.i] != '"' {
		r.ok = false
		return ""
	}
	for j := r.i + 1; j < len(r.b); j++ {
		switch c := r.b[j]; {
		case c == '"':
			if !utf8.Valid(r.b[r.i+1 : j]) {
				r.ok = false // encoding/json would replace the invalid bytes
				return ""
			}
			s := string(r.b[r.i+1 : j])
			r.i = j + 1
			return s
		case c == '\\' || c < 0x20:
			r.ok = false
			return ""
		}
	}
	r.ok = false
	return ""
}

// int consumes an integer as encoding/json writes one.
func (r *recordReader) int() int64 {
	if !r.ok {
		return 0
	}
	j := r.i
	if j < len(r.b) && r.b[j] == '-' {
		j++
	}
	for j < len(r.b) && r.b[j] >= '0' && r.b[j] <= '9' {
		j++
	}
	n, err := strconv.ParseInt(string(r.b[r.i:j]), 10, 64)
	if err != nil || (j-r.i > 1 && r.b[r.i] == '0') {
		r.ok = false
		return 0
	}
	r.i = j
	return n
}

// bool consumes true or false.
func (r *recordReader) bool() bool {
	switch {
	case r.maybe("true"):
		return true
	case r.maybe("false"):
		return false
	}
	r.ok = false
	return false
}
