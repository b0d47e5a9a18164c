package wire

import "time"

// Millis is a point in time as integer milliseconds since the Unix epoch,
// the only time representation in EMSG/1 objects (no floats, no strings).
// Values are within ±2^53 so that every JSON implementation reads them exactly.
type Millis int64

// MaxSafeInteger is the largest integer every JSON implementation holds exactly (2^53-1).
const MaxSafeInteger = 1<<53 - 1

// ToMillis converts a time to wire milliseconds.
func ToMillis(t time.Time) Millis { return Millis(t.UnixMilli()) }

// Time converts wire milliseconds back to a time in UTC.
func (m Millis) Time() time.Time { return time.UnixMilli(int64(m)).UTC() }
