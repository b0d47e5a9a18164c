package loadgen

import (
	"time"
)

// smallScenario is a few seconds of traffic among a few dozen users, with
// group posts and session pairs.
func smallScenario() Scenario {
	sc := DefaultScenario()
	sc.Name = "small"
	sc.Seed = "test"
	sc.UsersPerDomain = 12
	sc.Domains = []string{"a.test", "b.test", "c.test"}
	sc.Contacts.Count = 4
	sc.Traffic.Think = Duration(200 * time.Millisecond)
	sc.Stages = []Stage{{Duration: Duration(500 * time.Millisecond), Rate: 40}, {Duration: Duration(2500 * time.Millisecond), Rate: 40, Hold: true}}
	sc.Drain = Duration(20 * time.Second)
	sc.Groups = Groups{Count: 4, Share: 0.4, Min: 3, Max: 12, Alpha: 1.3}
	sc.Sessions = Sessions{Share: 0.5}
	return sc
}
