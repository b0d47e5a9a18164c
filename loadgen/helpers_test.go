package loadgen

import (
	"time"
)

// smallScenario is a few seconds of traffic among a few dozen users.
func smallScenario() Scenario {
	sc := DefaultScenario()
	sc.Name = "small"
	sc.Seed = "test"
	sc.UsersPerDomain = 12
	sc.Domains = []string{"a.test", "b.test", "c.test"}
	sc.Contacts.Count = 4
	sc.Traffic.Think = Duration(200 * time.Millisecond)
	sc.Stages = []Stage{{Duration: Duration(500 * time.Millisecond), Rate: 40}, {Duration: Duration(1500 * time.Millisecond), Rate: 40, Hold: true}}
	sc.Drain = Duration(20 * time.Second)
	return sc
}
