package store

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// decodeAccount reads what encoding/json writes by position and anything
// else with encoding/json: the result is always encoding/json's.
func TestDecodeAccountAgreesWithEncodingJSON(t *testing.T) {
	accounts := []Account{
		{Address: "alice#a.test", State: StateActive, Created: 1700000000000, Settings: Settings{AcceptRequests: true, TTL: 604800, Typing: true, Presence: true}},
		{Address: "bob#b.test", State: StateMoved, MovedTo: "bob#c.test", Created: 1, Settings: Settings{AcceptStrangers: true}},
		{Address: "z#d.test", State: StateDeleted, Created: 0, Settings: Settings{TTL: -1}},
		{Address: `q"<&>#e.test`, State: StateSuspended, Created: 9007199254740991},
	}
	for _, a := range accounts {
		raw, err := json.Marshal(a)
		if err != nil {
			t.Fatal(err)
		}
		got, err := decodeAccount(raw)
		if err != nil || !reflect.DeepEqual(got, a) {
			t.Errorf("decodeAccount(%s) = %+v, %v; want %+v", raw, got, err, a)
		}
	}
	if _, ok := readAccount([]byte(`{"address":"alice#a.test","state":"active","created":01,"settings":{"accept_strangers":false,"accept_requests":true,"ttl":1,"typing":true,"presence":true}}`)); ok {
		t.Error("a leading zero was read")
	}
}

// FuzzDecodeAccount: on any bytes, decodeAccount's position reader either
// declines or reads what encoding/json reads.
func FuzzDecodeAccount(f *testing.F) {
	raw, _ := json.Marshal(Account{Address: "alice#a.test", State: StateActive, Created: wire.Millis(1700000000000), Settings: Settings{TTL: 604800}})
	f.Add(raw)
	raw, _ = json.Marshal(Account{Address: "bob#b.test", State: StateMoved, MovedTo: "bob#c.test"})
	f.Add(raw)
	f.Fuzz(func(t *testing.T, raw []byte) {
		got, ok := readAccount(raw)
		if !ok {
			return
		}
		var want Account
		if err := json.Unmarshal(raw, &want); err != nil {
			t.Fatalf("read %+v from %q, which encoding/json refuses: %v", got, raw, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("read %+v from %q, encoding/json %+v", got, raw, want)
		}
	})
}
