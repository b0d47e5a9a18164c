package store

import (
	"bytes"
	"encoding/base64"
	"strconv"

	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// A queue record is a [QueueItem] as encoding/json writes it:
//
//	{"data":"<standard base64>","expires":…,"attempts":…,"next_attempt":…}
//
// with the numbers left out when zero. Every message is queued once and
// read at least twice (the head, then its transaction), so the records are
// written and read here by position, without reflection; a record in any
// other form is read by encoding/json. A test holds both directions to
// encoding/json's.

// encodeQueueItem is the record of it, byte for byte what json.Marshal
// writes.
func encodeQueueItem(it QueueItem) []byte {
	b := make([]byte, 0, base64.StdEncoding.EncodedLen(len(it.Data))+80)
	b = append(b, `{"data":`...)
	if it.Data == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '"')
		b = base64.StdEncoding.AppendEncode(b, it.Data)
		b = append(b, '"')
	}
	b = appendNonZero(b, `,"expires":`, int64(it.Expires))
	b = appendNonZero(b, `,"attempts":`, int64(it.Attempts))
	b = appendNonZero(b, `,"next_attempt":`, int64(it.NextAttempt))
	return append(b, '}')
}

// appendNonZero appends name and n unless n is 0 (omitempty).
func appendNonZero(b []byte, name string, n int64) []byte {
	if n == 0 {
		return b
	}
	return strconv.AppendInt(append(b, name...), n, 10)
}

// decodeQueueRecord reads a queue record: by position when it has the form
// encodeQueueItem writes, else with encoding/json.
func decodeQueueRecord(v []byte) (QueueItem, error) {
	if it, ok := readQueueItem(v); ok {
		return it, nil
	}
	var it QueueItem
	err := jsonDecode(v, &it)
	return it, err
}

// readQueueItem reads the form encodeQueueItem writes, or reports false.
func readQueueItem(v []byte) (QueueItem, bool) {
	r := recordReader{b: v, ok: true}
	var it QueueItem
	r.literal(`{"data":"`)
	if !r.ok {
		return QueueItem{}, false
	}
	end := r.i
	for end < len(v) && v[end] != '"' {
		end++
	}
	if end == len(v) || !plainBase64(v[r.i:end]) {
		return QueueItem{}, false
	}
	data, err := base64.StdEncoding.AppendDecode(make([]byte, 0, base64.StdEncoding.DecodedLen(end-r.i)), v[r.i:end])
	if err != nil {
		return QueueItem{}, false
	}
	it.Data, r.i = data, end+1
	if r.maybe(`,"expires":`) {
		it.Expires = wire.Millis(r.int())
	}
	if r.maybe(`,"attempts":`) {
		it.Attempts = int(r.int())
	}
	if r.maybe(`,"next_attempt":`) {
		it.NextAttempt = wire.Millis(r.int())
	}
	r.literal(`}`)
	return it, r.ok && r.i == len(v)
}

// plainBase64 reports whether enc holds no line break: the decoder skips
// them, but a JSON string may not hold one, so encoding/json refuses the
// record.
func plainBase64(enc []byte) bool {
	return !bytes.ContainsAny(enc, "\r\n")
}
