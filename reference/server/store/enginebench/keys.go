package enginebench

import (
	"encoding/binary"
	"strings"
)

// Key prefixes of the key-value layout shared by the bbolt and Pebble
// adapters. Addresses never contain a zero byte, so "\x00" ends a string
// component and keeps prefixes of different accounts apart.
const (
	prefixDedupe   = "d/" // d/<from>\x00<id> → result (8-byte seq, 1 byte remote)
	prefixCounter  = "c/" // c/<account or destination> → next sequence (8 bytes)
	prefixEvent    = "e/" // e/<account>\x00<seq> → event body
	prefixQueue    = "q/" // q/<destination>\x00<seq> → queue item body
	prefixQCounter = "k/" // k/<destination> → next queue sequence (8 bytes)
)

func dedupeKey(from, id string) []byte {
	return []byte(prefixDedupe + from + "\x00" + id)
}

func counterKey(account string) []byte { return []byte(prefixCounter + account) }

func queueCounterKey(dest string) []byte { return []byte(prefixQCounter + dest) }

// seqKey is prefix + name + "\x00" + big-endian seq: keys of one name sort by
// sequence number.
func seqKey(prefix, name string, seq uint64) []byte {
	k := make([]byte, 0, len(prefix)+len(name)+9)
	k = append(k, prefix...)
	k = append(k, name...)
	k = append(k, 0)
	return binary.BigEndian.AppendUint64(k, seq)
}

func eventKey(account string, seq uint64) []byte { return seqKey(prefixEvent, account, seq) }

func queueKey(dest string, seq uint64) []byte { return seqKey(prefixQueue, dest, seq) }

// seqOf returns the sequence number that ends a key made by seqKey.
func seqOf(key []byte) uint64 { return binary.BigEndian.Uint64(key[len(key)-8:]) }

// destOf returns the destination of a key made by queueKey.
func destOf(key []byte) string {
	return strings.TrimPrefix(string(key[:len(key)-9]), prefixQueue)
}

func encodeUint(v uint64) []byte { return binary.BigEndian.AppendUint64(nil, v) }

func decodeUint(b []byte) uint64 {
	if len(b) != 8 {
		return 0
	}
	return binary.BigEndian.Uint64(b)
}

// target returns where a delivery goes: the key of the counter that numbers
// it and the function that makes its key from the number — the recipient's
// event log for a local recipient, the destination's queue otherwise.
func target(d Delivery) (counter []byte, key func(uint64) []byte) {
	if d.Destination != "" {
		return queueCounterKey(d.Destination), func(s uint64) []byte { return queueKey(d.Destination, s) }
	}
	return counterKey(d.To), func(s uint64) []byte { return eventKey(d.To, s) }
}
