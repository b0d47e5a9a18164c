package specdoc

// Inputs is everything [Render] writes into the document. Slices are
// rendered in the order given; the caller orders them.
type Inputs struct {
	Sections   []Section   // the numbered sections of the requirements catalogue
	ErrorCodes []ErrorCode // the closed list of wire error codes
	Defects    []Defect    // how each protocol-library defect is reported on the wire
	Schemas    []Schema    // the JSON Schema files
	APIs       []API       // the OpenAPI documents and their operations
	Profiles   []string    // the profiles, in the order of the count table's rows
	Levels     []string    // the levels, in the order of the count table's columns
}

// Section is one numbered section: Markdown prose, then requirements.
type Section struct {
	ID           string
	Title        string
	Intro        string
	Requirements []Requirement
}

// Requirement is one normative statement of a [Section].
type Requirement struct {
	ID        string
	Level     string
	Profile   string
	Statement string
	Rationale string
	Refs      []string
}

// ErrorCode is one row of the error code table.
type ErrorCode struct {
	Code    string
	Status  int
	Meaning string
}

// Defect maps a protocol-library defect to its wire error code; Code is
// empty for defects only a client detects (they have no wire code).
type Defect struct {
	Defect string
	Code   string
}

// Schema describes one JSON Schema file.
type Schema struct {
	File        string
	Title       string
	Description string
}

// API is one OpenAPI document and its operations.
type API struct {
	Name       string // e.g. "Client–server API"
	File       string // e.g. "spec/openapi/client.yaml"
	Operations []Operation
}

// Operation is one HTTP operation of an [API].
type Operation struct {
	Method      string
	Path        string
	OperationID string
	Summary     string
}
