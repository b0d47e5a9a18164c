package store

import (
	"encoding/binary"
	"fmt"
	"strings"
)

// maxName bounds every string component of a key. The longest canonical
// address is 318 bytes; ids and txn names are shorter. bbolt's own limit is
// 32768 bytes per key.
const maxName = 1024

// sep ends a string component of a key. Canonical addresses, ids and txn
// names never contain a zero byte, so "name\x00" keeps the keys of one name
// apart from those of every other name that has it as a prefix.
const sep = 0

// checkName refuses what cannot be a key component.
func checkName(what, s string) error {
	switch {
	case s == "":
		return fmt.Errorf("%s: empty: %w", what, ErrBadKey)
	case len(s) > maxName:
		return fmt.Errorf("%s: %d bytes: %w", what, len(s), ErrBadKey)
	case strings.IndexByte(s, sep) >= 0:
		return fmt.Errorf("%s: contains a zero byte: %w", what, ErrBadKey)
	}
	return nil
}

// nameKey is name + "\x00" + rest...: the keys of one name sort together.
func nameKey(name string, rest ...string) []byte {
	n := len(name) + 1
	for _, r := range rest {
		n += len(r) + 1
	}
	k := make([]byte, 0, n)
	k = append(k, name...)
	for _, r := range rest {
		k = append(k, sep)
		k = append(k, r...)
	}
	return k
}

// prefixOf is the prefix every key of name made by [nameKey] or [seqKey]
// starts with.
func prefixOf(name string) []byte {
	return append([]byte(name), sep)
}

// seqKey is name + "\x00" + big-endian seq: keys of one name sort by number.
func seqKey(name string, seq uint64) []byte {
	return binary.BigEndian.AppendUint64(prefixOf(name), seq)
}

// seqOf returns the number that ends a key made by [seqKey].
func seqOf(key []byte) uint64 {
	if len(key) < 8 {
		return 0
	}
	return binary.BigEndian.Uint64(key[len(key)-8:])
}

// nameOf returns the name that starts a key made by [seqKey].
func nameOf(key []byte) string {
	if len(key) < 9 {
		return ""
	}
	return string(key[:len(key)-9])
}

func encodeUint(v uint64) []byte { return binary.BigEndian.AppendUint64(nil, v) }

func decodeUint(b []byte) uint64 {
	if len(b) < 8 {
		return 0
	}
	return binary.BigEndian.Uint64(b[:8])
}
