package spec

import "fmt"

// schemaResources returns the parsed document of every embedded schema
// file keyed by its $id (SchemaBaseURL + "<name>.json"), for a compiler
// that adds resources of its own next to the schema files — the OpenAPI
// validator adds each document, whose bodies refer to "../schemas/x.json".
// The documents are shared with [ValidateJSON]'s compiler: callers must
// treat them as read-only.
func schemaResources() (map[string]any, error) {
	set, err := loadSchemas()
	if err != nil {
		return nil, fmt.Errorf("load schemas: %w", err)
	}
	out := make(map[string]any, len(set.files))
	for name, f := range set.files {
		out[SchemaBaseURL+name+".json"] = f.doc
	}
	return out, nil
}
