package enginebench

// Engine is one measured engine variant: a name and how to open it in a
// directory.
type Engine struct {
	// Name is the variant's name in the results, e.g. "bbolt-coalesce".
	Name string
	// Durable is false for a variant that can lose acknowledged writes on a
	// power loss (it still survives kill -9).
	Durable bool
	// Open opens (or creates) the store in dir.
	Open func(dir string) (Store, error)
}

// Engines returns every variant the comparison measures.
func Engines() []Engine {
	return []Engine{
		{"bbolt-coalesce", true, func(d string) (Store, error) { return asStore(OpenBolt(d, BoltCoalesce)) }},
		{"bbolt-batch", true, func(d string) (Store, error) { return asStore(OpenBolt(d, BoltBatch)) }},
		{"pebble-coalesce", true, func(d string) (Store, error) { return asStore(OpenPebble(d, PebbleCoalesce)) }},
		{"pebble-concurrent", true, func(d string) (Store, error) { return asStore(OpenPebble(d, PebbleConcurrent)) }},
		{"sqlite-full", true, func(d string) (Store, error) { return asStore(OpenSQLite(d, SQLiteFull)) }},
		{"sqlite-normal", false, func(d string) (Store, error) { return asStore(OpenSQLite(d, SQLiteNormal)) }},
	}
}

// EngineByName returns the variant called name.
func EngineByName(name string) (Engine, bool) {
	for _, e := range Engines() {
		if e.Name == name {
			return e, true
		}
	}
	return Engine{}, false
}

// asStore turns a typed open result into a [Store] without wrapping a nil
// pointer in a non-nil interface.
func asStore[S Store](s S, err error) (Store, error) {
	if err != nil {
		return nil, err
	}
	return s, nil
}
