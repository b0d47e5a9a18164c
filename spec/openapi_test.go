package spec

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// mustDocument loads api's document or fails the test.
func mustDocument(t *testing.T, api API) *openapi3.T {
	t.Helper()
	doc, err := Document(api)
	if err != nil {
		t.Fatalf("Document(%s): %v", api, err)
	}
	return doc
}

// TestDocumentsLoad checks that each document loads with its schema files
// resolved, validates as OpenAPI 3.1, and builds its validator.
func TestDocumentsLoad(t *testing.T) {
	for _, api := range APIs {
		doc := mustDocument(t, api)
		if doc.OpenAPI != "3.1.0" || !doc.IsOpenAPI31OrLater() {
			t.Errorf("%s: openapi = %q, want 3.1.0", api, doc.OpenAPI)
		}
		if doc.Info == nil || doc.Info.Description == "" {
			t.Errorf("%s: info.description is empty", api)
		}
		if _, err := validatorFor(api); err != nil {
			t.Errorf("%s: validator: %v", api, err)
		}
	}
	if _, err := Document("mail"); err == nil {
		t.Error(`Document("mail") = nil error, want ErrUnknownAPI`)
	}
}

// profileTags are the tags an operation may carry: the profiles.
var profileTags = []string{"core", "federation", "groups", "sessions", "retention", "migration", "signals", "admin"}

var camelCase = regexp.MustCompile(`^[a-z][a-zA-Z0-9]*$`)

// TestOperationsWellFormed checks every operation of every document: a
// unique camelCase operationId, a summary, a teaching description, profile
// tags, a success response and documented error responses.
func TestOperationsWellFormed(t *testing.T) {
	seen := map[string]string{}
	for _, api := range APIs {
		doc := mustDocument(t, api)
		for p, item := range doc.Paths.Map() {
			for method, op := range item.Operations() {
				where := string(api) + " " + method + " " + p
				if !camelCase.MatchString(op.OperationID) {
					t.Errorf("%s: operationId %q is not camelCase", where, op.OperationID)
				}
				if prev, dup := seen[op.OperationID]; dup {
					t.Errorf("%s: operationId %q also used by %s", where, op.OperationID, prev)
				}
				seen[op.OperationID] = where
				if op.Summary == "" || len(op.Description) < 40 {
					t.Errorf("%s: summary %q / description of %d chars: want both, description teaching", where, op.Summary, len(op.Description))
				}
				if len(op.Tags) == 0 {
					t.Errorf("%s: no profile tag", where)
				}
				for _, tag := range op.Tags {
					if !slices.Contains(profileTags, tag) {
						t.Errorf("%s: tag %q is not a profile", where, tag)
					}
				}
				checkResponses(t, where, op)
			}
		}
	}
}

// checkResponses checks that op has a 1xx/2xx answer and that every error
// answer uses the error schema with the codes of its status.
func checkResponses(t *testing.T, where string, op *openapi3.Operation) {
	t.Helper()
	var success, failure int
	for key, r := range op.Responses.Map() {
		status, err := strconv.Atoi(key)
		if err != nil {
			t.Errorf("%s: response %q is not a status code", where, key)
			continue
		}
		if status < 400 {
			success++
			continue
		}
		failure++
		checkErrorResponse(t, where+" "+key, status, r.Value)
	}
	if success == 0 || failure == 0 {
		t.Errorf("%s: %d success and %d error responses, want at least one of each", where, success, failure)
	}
	for _, generic := range []int{http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusServiceUnavailable} {
		if op.Responses.Status(generic) == nil {
			t.Errorf("%s: status %d is not documented", where, generic)
		}
	}
}

// checkErrorResponse checks one error answer: x-emsg-errors lists codes of
// exactly this status (spec/errors.yaml), and the body schema is the error
// schema restricted to those codes.
func checkErrorResponse(t *testing.T, where string, status int, r *openapi3.Response) {
	t.Helper()
	codes := extensionCodes(r.Extensions["x-emsg-errors"])
	if len(codes) == 0 {
		t.Errorf("%s: no x-emsg-errors", where)
	}
	for _, code := range codes {
		if want, ok := StatusOf(code); !ok || want != status {
			t.Errorf("%s: code %q has status %d (known %v), not %d", where, code, want, ok, status)
		}
	}
	media := r.Content.Get("application/json")
	if media == nil || media.Schema == nil || media.Schema.Value == nil {
		t.Fatalf("%s: no application/json schema", where)
	}
	s := media.Schema.Value
	if len(s.AllOf) != 2 || s.AllOf[0].Ref != "../schemas/error.json" {
		t.Fatalf("%s: schema is not allOf [error.json, codes]", where)
	}
	enum := s.AllOf[1].Value.Properties["error"].Value.Enum
	if got := extensionCodes(enum); !slices.Equal(got, codes) {
		t.Errorf("%s: schema codes %v != x-emsg-errors %v", where, got, codes)
	}
	if status == http.StatusTooManyRequests {
		h := r.Headers["Retry-After"]
		if h == nil || h.Value == nil || !h.Value.Required {
			t.Errorf("%s: 429 without a required Retry-After header", where)
		}
	}
}

// extensionCodes reads a list of code strings.
func extensionCodes(v any) []string {
	list, _ := v.([]any)
	var out []string
	for _, c := range list {
		if s, ok := c.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// TestReferencesResolve checks every "$ref" of every document — including
// those in extensions such as x-emsg-frames, which the loader does not
// follow — against the schema files and the document's own components.
func TestReferencesResolve(t *testing.T) {
	for _, api := range APIs {
		raw, err := fs.ReadFile(OpenAPIFS, "openapi/"+string(api)+".yaml")
		if err != nil {
			t.Fatal(err)
		}
		doc := mustDocument(t, api)
		tree := marshalTree(t, doc)
		refs := collectRefs(tree, nil)
		if len(refs) < 10 {
			t.Fatalf("%s: only %d references found", api, len(refs))
		}
		for _, ref := range refs {
			if err := resolveRef(tree, ref); err != nil {
				t.Errorf("%s: $ref %q: %v", api, ref, err)
			}
			if !strings.Contains(string(raw), ref) {
				t.Errorf("%s: $ref %q is not in the file as written", api, ref)
			}
		}
	}
}

// marshalTree is doc as generic JSON (references kept as written).
func marshalTree(t *testing.T, doc *openapi3.T) map[string]any {
	t.Helper()
	data, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	var tree map[string]any
	if err := json.Unmarshal(data, &tree); err != nil {
		t.Fatal(err)
	}
	return tree
}

// collectRefs lists every "$ref" string under node, sorted and unique.
func collectRefs(node any, acc []string) []string {
	switch n := node.(type) {
	case map[string]any:
		if r, ok := n["$ref"].(string); ok && !slices.Contains(acc, r) {
			acc = append(acc, r)
		}
		for _, k := range slices.Sorted(maps.Keys(n)) {
			acc = collectRefs(n[k], acc)
		}
	case []any:
		for _, v := range n {
			acc = collectRefs(v, acc)
		}
	}
	return acc
}

// resolveRef follows ref: "#/..." inside tree, "../schemas/x.json#/..."
// inside the schema file.
func resolveRef(tree map[string]any, ref string) error {
	file, frag, _ := strings.Cut(ref, "#")
	var target any = tree
	if file != "" {
		name, ok := strings.CutPrefix(file, "../schemas/")
		if !ok {
			return errors.New("not a ../schemas/ file")
		}
		data, err := fs.ReadFile(SchemaFS, "schemas/"+name)
		if err != nil {
			return err
		}
		if err := json.Unmarshal(data, &target); err != nil {
			return err
		}
	}
	if frag == "" {
		return nil
	}
	for _, tok := range strings.Split(strings.TrimPrefix(frag, "/"), "/") {
		tok = strings.NewReplacer("~1", "/", "~0", "~").Replace(tok)
		m, ok := target.(map[string]any)
		if !ok || m[tok] == nil {
			return fmt.Errorf("no %q", tok)
		}
		target = m[tok]
	}
	return nil
}

// TestExchangeChecksCoverDocuments checks that the validator compiled a
// check for every operation, parameter, documented response, header and
// media type of every document, and that each body schema is named after
// the schema file or component it refers to, so that a body failure reads
// "envelope.json: ..." rather than naming a place deep in a document.
func TestExchangeChecksCoverDocuments(t *testing.T) {
	names := SchemaNames()
	for _, api := range APIs {
		v, err := validatorFor(api)
		if err != nil {
			t.Fatal(err)
		}
		doc := mustDocument(t, api)
		ops := 0
		for p, item := range doc.Paths.Map() {
			for method, op := range item.Operations() {
				ops++
				checkOperationCovered(t, string(api)+" "+method+" "+p, v, item, op, names)
			}
		}
		if ops == 0 || len(v.checks) != ops {
			t.Errorf("%s: %d checks for %d operations", api, len(v.checks), ops)
		}
	}
}

// checkOperationCovered compares the compiled check of op (found by its
// operationId, as the validator's map is keyed by its own copy) with the
// document.
func checkOperationCovered(t *testing.T, where string, v *validator, item *openapi3.PathItem, op *openapi3.Operation, names []string) {
	t.Helper()
	var oc *operationCheck
	for _, c := range v.checks {
		if c.id == op.OperationID {
			oc = c
		}
	}
	if oc == nil {
		t.Fatalf("%s: no compiled check", where)
	}
	params := len(op.Parameters)
	for _, pr := range item.Parameters {
		if op.Parameters.GetByInAndName(pr.Value.In, pr.Value.Name) == nil {
			params++
		}
	}
	if len(oc.params) != params {
		t.Errorf("%s: %d parameter checks, want %d", where, len(oc.params), params)
	}
	for _, vc := range oc.params {
		if vc.schema == nil || vc.name == "" {
			t.Errorf("%s: incomplete parameter check %+v", where, vc)
		}
	}
	if (op.RequestBody != nil) != (oc.body != nil) {
		t.Errorf("%s: request body documented %v, checked %v", where, op.RequestBody != nil, oc.body != nil)
	}
	checkBodyCovered(t, where+" request", oc.body, names)
	if len(oc.byResponse) != op.Responses.Len() {
		t.Errorf("%s: %d response checks, want %d", where, len(oc.byResponse), op.Responses.Len())
	}
	for status, rr := range op.Responses.Map() {
		code, _ := strconv.Atoi(status)
		rc := oc.byResponse[oc.responses.Status(code)]
		if rc == nil {
			t.Errorf("%s: no check for response %s", where, status)
			continue
		}
		if len(rc.headers) != len(rr.Value.Headers) || (rc.body != nil) != (len(rr.Value.Content) > 0) {
			t.Errorf("%s %s: %d header checks, body %v; documented %d headers, %d media types",
				where, status, len(rc.headers), rc.body != nil, len(rr.Value.Headers), len(rr.Value.Content))
		}
		checkBodyCovered(t, where+" "+status, rc.body, names)
	}
}

// checkBodyCovered checks that every media type of bc has a compiled
// schema named after an embedded schema file or a component schema of the
// document.
func checkBodyCovered(t *testing.T, where string, bc *bodyCheck, names []string) {
	t.Helper()
	if bc == nil {
		return
	}
	if len(bc.schemas) != len(bc.content) || len(bc.schemas) == 0 {
		t.Errorf("%s: %d compiled media types of %d", where, len(bc.schemas), len(bc.content))
	}
	for _, bs := range bc.schemas {
		file, isFile := strings.CutSuffix(bs.where, ".json")
		component := strings.Contains(bs.where, ".yaml#/components/schemas/")
		if bs.schema == nil || !(isFile && slices.Contains(names, file) || component) {
			t.Errorf("%s: body schema %q (compiled: %v) is neither a schema file nor a component", where, bs.where, bs.schema != nil)
		}
	}
}

// contractOperations is every operation contract.md names, with its full
// path. The documents must have exactly these.
var contractOperations = map[API][]string{
	ClientAPI: {
		"GET /.well-known/emsg", "GET /emsg/v1/health",
		"POST /emsg/v1/register", "POST /emsg/v1/login/challenge", "POST /emsg/v1/login", "POST /emsg/v1/logout",
		"GET /emsg/v1/stream", "POST /emsg/v1/messages", "POST /emsg/v1/receipts",
		"GET /emsg/v1/keys/{address}", "PUT /emsg/v1/keys",
		"GET /emsg/v1/contacts", "POST /emsg/v1/contacts/requests", "GET /emsg/v1/contacts/requests",
		"POST /emsg/v1/contacts/requests/{address}/accept", "POST /emsg/v1/contacts/requests/{address}/decline",
		"DELETE /emsg/v1/contacts/{address}", "PUT /emsg/v1/contacts/{address}/block", "DELETE /emsg/v1/contacts/{address}/block",
		"GET /emsg/v1/settings", "PATCH /emsg/v1/settings",
		"GET /emsg/v1/favorites", "PUT /emsg/v1/favorites/{id}", "DELETE /emsg/v1/favorites/{id}",
		"GET /emsg/v1/account/data", "POST /emsg/v1/account/import", "POST /emsg/v1/account/move", "POST /emsg/v1/account/delete",
		"POST /emsg/v1/signals",
		"POST /emsg/v1/groups", "GET /emsg/v1/groups", "GET /emsg/v1/groups/{group}", "PATCH /emsg/v1/groups/{group}",
		"DELETE /emsg/v1/groups/{group}", "POST /emsg/v1/groups/{group}/invites", "POST /emsg/v1/groups/{group}/join",
		"POST /emsg/v1/groups/{group}/leave", "POST /emsg/v1/groups/{group}/kick",
		"PUT /emsg/v1/groups/{group}/members/{address}/role",
		"POST /emsg/v1/sessions/{id}/end", "GET /emsg/v1/sessions/{id}/ws",
	},
	FederationAPI: {
		"POST /emsg/v1/federation/inbox", "GET /emsg/v1/federation/keys/{address}", "POST /emsg/v1/federation/signals",
	},
	AdminAPI: {
		"POST /emsg/v1/admin/invites", "GET /emsg/v1/admin/accounts",
		"POST /emsg/v1/admin/accounts/{address}/suspend", "POST /emsg/v1/admin/accounts/{address}/unsuspend",
		"DELETE /emsg/v1/admin/accounts/{address}", "GET /emsg/v1/admin/stats",
		"GET /emsg/v1/admin/policy", "PUT /emsg/v1/admin/policy",
	},
}

// TestContractOperations checks that the documents have every operation of
// the contract and no other.
func TestContractOperations(t *testing.T) {
	for _, api := range APIs {
		var got []string
		for _, op := range Operations(api) {
			got = append(got, op.Method+" "+op.Path)
			if op.API != api || op.OperationID == "" || op.Summary == "" || len(op.Tags) == 0 {
				t.Errorf("%s: incomplete %+v", api, op)
			}
		}
		want := slices.Sorted(slices.Values(contractOperations[api]))
		slices.Sort(got)
		for _, w := range want {
			if !slices.Contains(got, w) {
				t.Errorf("%s: missing %s", api, w)
			}
		}
		for _, g := range got {
			if !slices.Contains(want, g) {
				t.Errorf("%s: %s is not in the contract", api, g)
			}
		}
	}
	if Operations("mail") != nil {
		t.Error(`Operations("mail") != nil`)
	}
}

// groupChanges are the group-changing operations: each answers 202 with the
// request id, and its outcome (group event or group_refused) comes on the
// stream, so the HTTP answer carries none of the host's refusals.
var groupChanges = []string{"inviteToGroup", "joinGroup", "leaveGroup", "kickFromGroup", "setGroupRole", "renameGroup", "dissolveGroup"}

// TestGroupChangesAnswerRequestID checks that every group-changing
// operation answers 202 with accepted.json and documents no 403 and no 410:
// forbidden, gone and the like reach the actor as group_refused events.
func TestGroupChangesAnswerRequestID(t *testing.T) {
	doc := mustDocument(t, ClientAPI)
	found := 0
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			if !slices.Contains(groupChanges, op.OperationID) {
				continue
			}
			found++
			accepted := op.Responses.Status(http.StatusAccepted)
			if accepted == nil || accepted.Value == nil {
				t.Errorf("%s: no 202 answer", op.OperationID)
				continue
			}
			media := accepted.Value.Content.Get("application/json")
			if media == nil || media.Schema == nil || media.Schema.Ref != "../schemas/accepted.json" {
				t.Errorf("%s: 202 body is not accepted.json", op.OperationID)
			}
			for _, status := range []int{http.StatusForbidden, http.StatusGone} {
				if op.Responses.Status(status) != nil {
					t.Errorf("%s: documents %d, but the host's refusals arrive as group_refused", op.OperationID, status)
				}
			}
		}
	}
	if found != len(groupChanges) {
		t.Errorf("found %d of the %d group-changing operations", found, len(groupChanges))
	}
}
