package suites

// Migration is the suite of the migration profile: export, import, move
// and delete.
const Migration Suite = "migration"
