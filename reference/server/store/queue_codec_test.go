package store

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// queueSamples are items of every shape: with and without each number,
// empty and nil data, data of every length modulo 3.
var queueSamples = []QueueItem{
	{Data: []byte(`{"kind":"envelope","envelope":{}}`), Expires: 1700000000000},
	{Data: []byte(`{"kind":"receipt"}`)},
	{Data: []byte("ab"), Attempts: 3, NextAttempt: 42},
	{Data: []byte("a"), Expires: -1, Attempts: 1},
	{Data: []byte{}, NextAttempt: wire.Millis(9007199254740991)},
	{Data: nil},
	{Data: []byte{0, 0xff, 0xfe, '"', '\\'}, Expires: 1, Attempts: 2, NextAttempt: 3},
}

// encodeQueueItem writes what json.Marshal writes, and decodeQueueRecord
// reads back what encoding/json reads.
func TestQueueRecordsAreEncodingJSONs(t *testing.T) {
	for _, it := range queueSamples {
		want, err := json.Marshal(it)
		if err != nil {
			t.Fatal(err)
		}
		if got := encodeQueueItem(it); !bytes.Equal(got, want) {
			t.Errorf("encodeQueueItem(%+v) = %s, json.Marshal %s", it, got, want)
		}
		var back QueueItem
		if err := json.Unmarshal(want, &back); err != nil {
			t.Fatal(err)
		}
		got, err := decodeQueueRecord(want)
		if err != nil || !reflect.DeepEqual(got, back) {
			t.Errorf("decodeQueueRecord(%s) = %+v, %v; encoding/json reads %+v", want, got, err, back)
		}
	}
}

// FuzzReadQueueItem: on any bytes, the position reader either declines
// or reads what encoding/json reads.
func FuzzReadQueueItem(f *testing.F) {
	for _, it := range queueSamples {
		f.Add(encodeQueueItem(it))
	}
	f.Add([]byte("{\"data\":\"YW\nJj\"}"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		got, ok := readQueueItem(raw)
		if !ok {
			return
		}
		var want QueueItem
		if err := json.Unmarshal(raw, &want); err != nil {
			t.Fatalf("read %+v from %q, which encoding/json refuses: %v", got, raw, err)
		}
		if !bytes.Equal(got.Data, want.Data) || got.Expires != want.Expires || got.Attempts != want.Attempts || got.NextAttempt != want.NextAttempt {
			t.Fatalf("read %+v from %q, encoding/json %+v", got, raw, want)
		}
	})
}
