package loadgen

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/envelope"
)

// BenchmarkSeal is the simulator's crypto per message, as sealOne does it
// (seeded randomness, sign, encrypt, one sealed box per reader, JSON): a
// 1:1 message and posts to groups of 10 and 100 members, a 200-byte body
// (the scenarios' median).
func BenchmarkSeal(b *testing.B) {
	p := NewPopulation(DefaultScenario())
	from, _ := p.Identity(0)
	body := envelope.TextBody(strings.Repeat("x", 200))
	for _, members := range []int{2, 10, 100} {
		readers := map[address.Address]*[32]byte{}
		for u := 1; u < members; u++ {
			box, _ := p.BoxKey(UserID(u))
			readers[p.Address(UserID(u))] = box
		}
		to := p.Address(1)
		name := "one_to_one"
		if members > 2 {
			to, name = address.Address{Local: "g0", Domain: "a.test"}, fmt.Sprintf("group_of_%d", members)
		}
		b.Run(name, func(b *testing.B) {
			for i := 0; b.Loop(); i++ {
				env, _, err := envelope.Seal(MessageDeps("bench", uint32(i), time.Now()), from, to, readers, body, envelope.Options{TTL: 3600})
				if err != nil {
					b.Fatal(err)
				}
				if _, err := json.Marshal(env); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkOpen is a recipient's crypto per message, as open does it:
// parse, unwrap its key, decrypt, verify the signature and the routing.
// A group post costs a reader what a 1:1 message does (one box is its).
func BenchmarkOpen(b *testing.B) {
	p := NewPopulation(DefaultScenario())
	from, _ := p.Identity(0)
	me, _ := p.Identity(1)
	to := p.Address(1)
	env, _, err := envelope.Seal(MessageDeps("bench", 0, time.Now()), from, to, map[address.Address]*[32]byte{to: me.BoxPublic()},
		envelope.TextBody(strings.Repeat("x", 200)), envelope.Options{TTL: 3600})
	if err != nil {
		b.Fatal(err)
	}
	raw, _ := json.Marshal(env)
	for b.Loop() {
		e, err := envelope.ParseEnvelope(raw)
		if err != nil {
			b.Fatal(err)
		}
		in, err := envelope.Open(e, me.Address(), me.BoxPrivate(), from.Bundle().SignPublic())
		if err != nil || envelope.CheckRouting(e, in) != nil {
			b.Fatal(err)
		}
	}
}
