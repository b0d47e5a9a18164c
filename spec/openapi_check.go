package spec

import (
	"fmt"
	"maps"
	"mime"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// operationCheck is what an exchange routed to one operation is checked
// against, with every schema compiled: built once per operation when the
// validator is built, read-only afterwards, so exchanges share it freely.
type operationCheck struct {
	id         string
	params     []valueCheck        // path item parameters, then the operation's
	body       *bodyCheck          // nil: the operation takes no request body
	responses  *openapi3.Responses // finds the response of a status
	byResponse map[*openapi3.ResponseRef]*responseCheck
	documented string // the documented statuses, for error messages
}

// responseCheck is one documented response: its headers and its body.
type responseCheck struct {
	headers []valueCheck
	body    *bodyCheck // nil: documented without content, the body must be empty
}

// bodyCheck is a request or response body: whether one is required, the
// documented media types, and the compiled schema of each.
type bodyCheck struct {
	required bool
	content  openapi3.Content
	schemas  map[*openapi3.MediaType]bodySchema
	types    string // the documented media types, for error messages
}

// bodySchema is the compiled schema of one media type, with the schema a
// failure names (see [bodySchemaName]).
type bodySchema struct {
	where  string             // "envelope.json", "federation.yaml#/components/schemas/FederationSignal"
	schema *jsonschema.Schema // nil: the media type documents no schema
}

// valueCheck is one parameter or header: where it is read from, whether it
// must be present, and its compiled schema. Values are scalars: an integer
// parameter's text is read as a JSON number, any other as a string.
type valueCheck struct {
	in       string // "path", "query", "header"; "header" for response headers too
	name     string
	required bool
	integer  bool
	schema   *jsonschema.Schema
}

// buildChecks compiles the checks of every operation of doc.
func buildChecks(dc *docCompiler, doc *openapi3.T) (map[*openapi3.Operation]*operationCheck, error) {
	checks := map[*openapi3.Operation]*operationCheck{}
	for _, p := range slices.Sorted(maps.Keys(doc.Paths.Map())) {
		item := doc.Paths.Value(p)
		pathPtr := "/paths/" + escapeToken(p)
		for method, op := range item.Operations() {
			oc, err := buildOperation(dc, pathPtr, item, strings.ToLower(method), op)
			if err != nil {
				return nil, fmt.Errorf("%s %s: %w", method, p, err)
			}
			checks[op] = oc
		}
	}
	return checks, nil
}

// buildOperation compiles the checks of op, written at pathPtr/method.
func buildOperation(dc *docCompiler, pathPtr string, item *openapi3.PathItem, method string, op *openapi3.Operation) (*operationCheck, error) {
	opPtr := pathPtr + "/" + method
	oc := &operationCheck{id: op.OperationID, responses: op.Responses, byResponse: map[*openapi3.ResponseRef]*responseCheck{}}
	var err error
	if oc.params, err = buildParameters(dc, pathPtr, item.Parameters, opPtr, op.Parameters); err != nil {
		return nil, err
	}
	if op.RequestBody != nil {
		ptr, err := pointerTo(op.RequestBody.Ref, opPtr+"/requestBody")
		if err != nil {
			return nil, err
		}
		rb := op.RequestBody.Value
		if oc.body, err = buildBody(dc, ptr, rb.Required, rb.Content); err != nil {
			return nil, fmt.Errorf("request body: %w", err)
		}
	}
	if op.Responses == nil {
		return nil, fmt.Errorf("no responses")
	}
	statuses := slices.Sorted(maps.Keys(op.Responses.Map()))
	oc.documented = strings.Join(statuses, ", ")
	for _, status := range statuses {
		rr := op.Responses.Value(status)
		rc, err := buildResponse(dc, opPtr+"/responses/"+escapeToken(status), rr)
		if err != nil {
			return nil, fmt.Errorf("response %s: %w", status, err)
		}
		oc.byResponse[rr] = rc
	}
	return oc, nil
}

// buildParameters compiles the path item's parameters and the
// operation's; an operation parameter overrides the path item's parameter
// of the same location and name.
func buildParameters(dc *docCompiler, pathPtr string, itemParams openapi3.Parameters, opPtr string, opParams openapi3.Parameters) ([]valueCheck, error) {
	var out []valueCheck
	for i, pr := range itemParams {
		if opParams.GetByInAndName(pr.Value.In, pr.Value.Name) != nil {
			continue
		}
		vc, err := buildParameter(dc, pr, pathPtr+"/parameters/"+strconv.Itoa(i))
		if err != nil {
			return nil, err
		}
		out = append(out, vc)
	}
	for i, pr := range opParams {
		vc, err := buildParameter(dc, pr, opPtr+"/parameters/"+strconv.Itoa(i))
		if err != nil {
			return nil, err
		}
		out = append(out, vc)
	}
	return out, nil
}

// buildParameter compiles one parameter written at (or referred to from) at.
func buildParameter(dc *docCompiler, pr *openapi3.ParameterRef, at string) (valueCheck, error) {
	ptr, err := pointerTo(pr.Ref, at)
	if err != nil {
		return valueCheck{}, err
	}
	p := pr.Value
	vc, err := buildValue(dc, ptr, p.Schema)
	if err != nil {
		return valueCheck{}, fmt.Errorf("%s parameter %q: %w", p.In, p.Name, err)
	}
	vc.in, vc.name, vc.required = p.In, p.Name, p.Required
	return vc, nil
}

// buildValue compiles the schema of a parameter or header object located
// at ptr. Only scalar schemas are supported: EMSG/1 has no array, object or
// content-encoded parameter, and a document that adds one must teach the
// validator to read it rather than be checked loosely.
func buildValue(dc *docCompiler, ptr string, sr *openapi3.SchemaRef) (valueCheck, error) {
	if sr == nil || sr.Value == nil {
		return valueCheck{}, fmt.Errorf("no schema (content-encoded values are not supported)")
	}
	types := sr.Value.Type
	if types.Includes(openapi3.TypeArray) || types.Includes(openapi3.TypeObject) {
		return valueCheck{}, fmt.Errorf("type %v is not supported (scalars only)", types.Slice())
	}
	sch, err := dc.compile(ptr + "/schema")
	if err != nil {
		return valueCheck{}, err
	}
	integer := types.Includes(openapi3.TypeInteger) && !types.Includes(openapi3.TypeString)
	return valueCheck{integer: integer, schema: sch}, nil
}

// buildResponse compiles one documented response.
func buildResponse(dc *docCompiler, at string, rr *openapi3.ResponseRef) (*responseCheck, error) {
	ptr, err := pointerTo(rr.Ref, at)
	if err != nil {
		return nil, err
	}
	r := rr.Value
	rc := &responseCheck{}
	for _, name := range slices.Sorted(maps.Keys(r.Headers)) {
		if strings.EqualFold(name, "Content-Type") {
			continue // OpenAPI: a Content-Type header definition is ignored
		}
		hr := r.Headers[name]
		hptr, err := pointerTo(hr.Ref, ptr+"/headers/"+escapeToken(name))
		if err != nil {
			return nil, err
		}
		vc, err := buildValue(dc, hptr, hr.Value.Schema)
		if err != nil {
			return nil, fmt.Errorf("header %q: %w", name, err)
		}
		vc.in, vc.name, vc.required = openapi3.ParameterInHeader, name, hr.Value.Required
		rc.headers = append(rc.headers, vc)
	}
	if len(r.Content) > 0 {
		if rc.body, err = buildBody(dc, ptr, true, r.Content); err != nil {
			return nil, err
		}
	}
	return rc, nil
}

// buildBody compiles the schema of every media type of content, an object
// located at ptr. Only JSON media types are supported, as every body of
// EMSG/1 is JSON.
func buildBody(dc *docCompiler, ptr string, required bool, content openapi3.Content) (*bodyCheck, error) {
	bc := &bodyCheck{required: required, content: content, schemas: map[*openapi3.MediaType]bodySchema{}}
	types := slices.Sorted(maps.Keys(content))
	bc.types = strings.Join(types, ", ")
	for _, mt := range types {
		if !isJSONMediaType(mt) {
			return nil, fmt.Errorf("media type %q is not JSON", mt)
		}
		media, at := content[mt], ptr+"/content/"+escapeToken(mt)+"/schema"
		bs := bodySchema{}
		if media.Schema != nil {
			sch, err := dc.compile(at)
			if err != nil {
				return nil, err
			}
			bs = bodySchema{where: dc.bodySchemaName(media.Schema, at), schema: sch}
		}
		bc.schemas[media] = bs
	}
	return bc, nil
}

// isJSONMediaType reports whether mt is application/json or a +json type.
func isJSONMediaType(mt string) bool {
	base, _, err := mime.ParseMediaType(mt)
	return err == nil && (base == "application/json" || strings.HasSuffix(base, "+json"))
}

// bodySchemaName names the schema a body failure reports: the schema file
// sr refers to ("envelope.json"), else the file of the first reference
// among its allOf branches (an error answer is allOf [error.json, {codes}],
// and reads "error.json: /error: ..."), else the document location of the
// component sr refers to or of sr itself, such as
// "federation.yaml#/components/schemas/FederationSignal".
func (dc *docCompiler) bodySchemaName(sr *openapi3.SchemaRef, at string) string {
	if name, ok := schemaFileName(sr.Ref); ok {
		return name
	}
	if sr.Value != nil {
		for _, sub := range sr.Value.AllOf {
			if name, ok := schemaFileName(sub.Ref); ok {
				return name
			}
		}
	}
	if local, ok := strings.CutPrefix(sr.Ref, "#"); ok {
		at = local
	}
	return readableMessage(dc.url) + "#" + at
}

// schemaFileName returns "envelope.json" for the reference
// "../schemas/envelope.json" (a fragment is allowed).
func schemaFileName(ref string) (string, bool) {
	file, _, _ := strings.Cut(ref, "#")
	name, ok := strings.CutPrefix(file, "../schemas/")
	if !ok || !strings.HasSuffix(name, ".json") {
		return "", false
	}
	return name, true
}
