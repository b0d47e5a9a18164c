package spec

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// drop marks a member to remove in a rejectCase.
type drop struct{}

// rejectCase starts from a valid example of a schema, changes one value, and
// states where the validator must locate the fault.
type rejectCase struct {
	schema  string
	example int    // index into the schema's examples
	path    string // JSON Pointer of the value to set (or drop)
	value   any    // new value: a Go value, json.Number for a raw number literal, or drop{}
	pointer string // the Pointer the SchemaError must name
	msg     string // a fragment the message must contain
}

func TestSchemasReject(t *testing.T) {
	const padded = "Gb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE="
	cases := map[string]rejectCase{
		// key bundles
		"bundle missing sig":         {"key-bundle", 0, "/sig", drop{}, "", "missing property 'sig'"},
		"bundle unknown member":      {"key-bundle", 0, "/comment", "hi", "", "additional properties 'comment'"},
		"bundle padded base64":       {"key-bundle", 0, "/sign_key", padded, "/sign_key", "maxLength: got 44, want 43"},
		"bundle standard alphabet":   {"key-bundle", 0, "/sign_key", "Gb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAx+uE", "/sign_key", "pattern of defs.json#/$defs/key32"},
		"bundle non-zero trailing":   {"key-bundle", 0, "/box_key", "Gb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuF", "/box_key", "pattern of defs.json#/$defs/key32"},
		"bundle short sig":           {"key-bundle", 0, "/sig", strings.Repeat("A", 85), "/sig", "minLength: got 85, want 86"},
		"bundle float created":       {"key-bundle", 0, "/created", json.Number("1700000000000.5"), "/created", "fraction or exponent"},
		"bundle 1.0 is not integer":  {"key-bundle", 0, "/created", json.Number("1700000000000.0"), "/created", "fraction or exponent"},
		"bundle exponent created":    {"key-bundle", 0, "/created", json.Number("17e11"), "/created", "fraction or exponent"},
		"bundle created over 2^53-1": {"key-bundle", 0, "/created", json.Number("9007199254740992"), "/created", "maximum"},
		"bundle negative created":    {"key-bundle", 0, "/created", -1, "/created", "minimum"},
		"bundle created at 0":        {"key-bundle", 0, "/created", 0, "/created", "minimum"},
		"bundle string created":      {"key-bundle", 0, "/created", "1700000000000", "/created", "want integer"},
		"bundle upper-case address":  {"key-bundle", 0, "/address", "Alice#a.test", "/address", "pattern of defs.json#/$defs/address"},
		"bundle prev extra member":   {"key-bundle", 1, "/prev/created", 1, "/prev", "additional properties 'created'"},
		"bundle prev without sig":    {"key-bundle", 1, "/prev/sig", drop{}, "/prev", "missing property 'sig'"},
		"chain empty":                {"key-chain", 0, "/bundles", []any{}, "/bundles", "minItems"},
		// envelopes and inner messages
		"envelope version 2":       {"envelope", 0, "/v", 2, "/v", "value must be 1"},
		"envelope lower-case ulid": {"envelope", 0, "/id", "01hf7yat00a3pzxdr0mzj3cfk4", "/id", "pattern of defs.json#/$defs/ulid"},
		"envelope wrapped key len": {"envelope", 0, "/keys/bob#b.test", "AAAA", "/keys/bob#b.test", "minLength: got 4, want 107"},
		"envelope bad key address": {"envelope", 0, "/keys/Bob#b.test", strings.Repeat("A", 107), "/keys", "invalid propertyName 'Bob#b.test'"},
		"envelope no keys":         {"envelope", 0, "/keys", map[string]any{}, "/keys", "minProperties"},
		"envelope ttl zero":        {"envelope", 0, "/ttl", 0, "/ttl", "minimum"},
		"envelope short payload":   {"envelope", 0, "/payload", "AAAA", "/payload", "minLength: got 4, want 55"},
		"envelope padded payload":  {"envelope", 0, "/payload", strings.Repeat("A", 58) + "==", "/payload", "pattern of defs.json#/$defs/b64"},
		"envelope session not id":  {"envelope", 0, "/session", "s1", "/session", "minLength: got 2, want 26"},
		"inner empty text":         {"inner-message", 0, "/body/text", "", "/body/text", "minLength: got 0, want 1"},
		"inner unknown body type":  {"inner-message", 0, "/body/type", "image", "/body/type", "value must be 'text'"},
		"inner text extra member":  {"inner-message", 0, "/body/html", "<b>hi</b>", "/body", "additional properties 'html'"},
		// federation items and transactions
		"item wrong kind":                  {"fed-item", 0, "/kind", "envelopes", "/kind", "value must be one of"},
		"item kind of other branch":        {"fed-item", 0, "/kind", "receipt", "", "additional properties 'envelope'"},
		"item bad inner envelope":          {"fed-item", 0, "/envelope/ttl", drop{}, "/envelope", "missing property 'ttl'"},
		"response accepted, no key":        {"fed-item", 2, "/bundle", drop{}, "", "missing property 'bundle'"},
		"response declined with key":       {"fed-item", 3, "/bundle", map[string]any{}, "/accepted", "value must be true"},
		"group role without role":          {"fed-item", 7, "/role", drop{}, "", "missing property 'role'"},
		"group request bad op":             {"fed-item", 6, "/op", "promote", "/op", "value must be one of"},
		"fanout empty to":                  {"fed-item", 10, "/to", []any{}, "/to", "minItems"},
		"fanout repeated to":               {"fed-item", 10, "/to", []any{"carol#c.test", "carol#c.test"}, "/to", "items at 0 and 1 are equal"},
		"txn too many items":               {"fed-transaction", 0, "/items", manyItems(101), "/items", "maxItems"},
		"txn item without kind":            {"fed-transaction", 0, "/items/1/kind", drop{}, "/items/1", "missing property 'kind'"},
		"txn id too long":                  {"fed-transaction", 0, "/txn", strings.Repeat("t", 65), "/txn", "txn_id"},
		"txn origin ip literal":            {"fed-transaction", 0, "/origin", "10.0.0.1", "/origin", "excludes"},
		"result error with ok":             {"fed-results", 0, "/results/0/error", "forbidden", "/results/0/status", "value must be 'error'"},
		"result error without code":        {"fed-results", 0, "/results/2/error", drop{}, "/results/2", "missing property 'error'"},
		"result moved without new address": {"fed-results", 0, "/results/2/error", "moved", "/results/2", "missing property 'moved_to'"},
		"result moved_to on other code":    {"fed-results", 0, "/results/2/moved_to", "alice#z.test", "/results/2/error", "value must be 'moved'"},
		"join request with target":         {"fed-item", 6, "/target", "carol#c.test", "/op", "value must be one of"},
		"rename request with role":         {"fed-item", 7, "/name", "New name", "/op", "value must be 'rename'"},
		// stream frames and events
		"event frame seq zero":     {"stream-server-frame", 1, "/seq", 0, "/seq", "minimum"},
		"event unknown kind":       {"stream-server-frame", 1, "/event/kind", "typing", "/event/kind", "value must be one of"},
		"group event wrong member": {"stream-event", 7, "/event", map[string]any{}, "", "additional properties 'event'"},
		"signal frame inline":      {"stream-server-frame", 2, "/kind", "typing", "", "additional properties 'kind'"},
		"result 403 without code":  {"stream-server-frame", 4, "/error", drop{}, "", "missing property 'error'"},
		"result 202 with code":     {"stream-server-frame", 3, "/error", "internal", "/status", "minimum"},
		"result moved no moved_to": {"stream-server-frame", 4, "/error", "moved", "", "missing property 'moved_to'"},
		"result 429 no retry":      {"stream-server-frame", 4, "/error", "rate_limited", "", "missing property 'retry_after'"},
		"error frame 429 no retry": {"stream-server-frame", 6, "/error", "rate_limited", "", "missing property 'retry_after'"},
		"expired event no from":    {"stream-event", 12, "/from", drop{}, "", "missing property 'from'"},
		"group refused no error":   {"stream-event", 8, "/error", drop{}, "", "missing property 'error'"},
		"group refused no id":      {"stream-event", 8, "/id", drop{}, "", "missing property 'id'"},
		"group refused bad op":     {"stream-event", 8, "/op", "post", "/op", "value must be one of"},
		"group refused bad code":   {"stream-event", 8, "/error", "denied", "/error", "value must be one of"},
		"group refused with event": {"stream-event", 8, "/group_event", map[string]any{}, "", "additional properties 'group_event'"},
		"client frame unknown":     {"stream-client-frame", 0, "/type", "subscribe", "/type", "value must be one of"},
		"ack float seq":            {"stream-client-frame", 0, "/seq", json.Number("4.2e1"), "/seq", "fraction or exponent"},
		"send without ref":         {"stream-client-frame", 1, "/ref", drop{}, "", "missing property 'ref'"},
		"presence with to":         {"signal", 1, "/to", "alice#a.test", "", "additional properties 'to'"},
		"typing bad state":         {"signal-request", 0, "/state", "paused", "/state", "value must be one of"},
		// errors, discovery and the rest
		"error unknown code":           {"error", 0, "/error", "teapot", "/error", "value must be one of"},
		"rate_limited no retry":        {"error", 1, "/retry_after", drop{}, "", "missing property 'retry_after'"},
		"rate_limited retry zero":      {"error", 1, "/retry_after", 0, "/retry_after", "minimum"},
		"joined event with target":     {"group-event", 2, "/target", "carol#c.test", "/kind", "value must be one of"},
		"moved_to on other code":       {"error", 0, "/moved_to", "alice#z.test", "/error", "value must be 'moved'"},
		"discovery bad key id":         {"discovery", 0, "/server_keys/rsa:k1", "Gb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE", "/server_keys", "invalid propertyName 'rsa:k1'"},
		"discovery no version 1":       {"discovery", 0, "/versions", []any{"2"}, "/versions", "contain"},
		"discovery upper feature":      {"discovery", 0, "/features/1", "Federation", "/features/1", "value must be one of"},
		"group event no target":        {"group-event", 3, "/target", drop{}, "", "missing property 'target'"},
		"group event unknown kind":     {"group-event", 0, "/kind", "banned", "/kind", "value must be one of"},
		"group owner role invalid":     {"group", 0, "/members/0/role", "king", "/members/0/role", "value must be one of"},
		"session nonce length":         {"session-auth", 0, "/nonce", "AAAA", "/nonce", "minLength: got 4, want 22"},
		"ticket wrong type":            {"session-ticket", 0, "/type", "session_auth", "/type", "value must be 'session_ticket'"},
		"ticket key id":                {"session-ticket", 0, "/key", "k1", "/key", "key_id"},
		"login wrong type":             {"login-proof", 0, "/type", "export", "/type", "value must be 'login'"},
		"export contact pending":       {"export-bundle", 0, "/contacts/0/state", "pending_in", "/contacts/0/state", "value must be one of"},
		"settings patch empty":         {"settings-patch", 0, "/accept_strangers", drop{}, "", "minProperties"},
		"settings ttl string":          {"settings", 0, "/ttl", "7d", "/ttl", "want integer"},
		"failed receipt without error": {"receipt", 2, "/error", drop{}, "", "missing property 'error'"},
		"delivered receipt with error": {"receipt", 0, "/error", "gone", "", "not"},
		"moved_to with another error":  {"receipt", 3, "/error", "gone", "/error", "value must be 'moved'"},
		"failed receipt unknown code":  {"receipt", 2, "/error", "lost", "/error", "value must be one of"},
		"receipt request delivered":    {"receipt-request", 0, "/kind", "delivered", "/kind", "value must be 'read'"},
		"policy rate limit name":       {"admin-policy", 0, "/rate_limits/Messages", 5, "/rate_limits", "invalid propertyName 'Messages'"},
	}
	for name, c := range cases {
		raw := editExample(t, c.schema, c.example, c.path, c.value)
		err := ValidateJSON(c.schema, raw)
		var se *SchemaError
		if !errors.As(err, &se) {
			t.Errorf("%s: got %v, want a *SchemaError", name, err)
			continue
		}
		if se.Schema != c.schema || se.Pointer != c.pointer || !strings.Contains(se.Message, c.msg) {
			t.Errorf("%s: got %q, want %s.json at %q containing %q", name, err, c.schema, c.pointer, c.msg)
		}
	}
}

// editExample returns example i of schema with the value at path replaced
// by value (or removed, for drop{}).
func editExample(t *testing.T, schema string, i int, path string, value any) []byte {
	t.Helper()
	ex, err := SchemaExamples(schema)
	if err != nil || i >= len(ex) {
		t.Fatalf("%s.json example %d: %v", schema, i, err)
	}
	var doc any
	dec := json.NewDecoder(strings.NewReader(string(ex[i])))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		t.Fatal(err)
	}
	tokens := strings.Split(path, "/")[1:]
	parent := doc
	for _, tok := range tokens[:len(tokens)-1] {
		parent = child(t, parent, tok)
	}
	setMember(t, parent, tokens[len(tokens)-1], value)
	raw, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// child steps into an object member or array element.
func child(t *testing.T, v any, tok string) any {
	t.Helper()
	switch n := v.(type) {
	case map[string]any:
		return n[tok]
	case []any:
		var i int
		if err := json.Unmarshal([]byte(tok), &i); err != nil || i >= len(n) {
			t.Fatalf("bad index %q", tok)
		}
		return n[i]
	}
	t.Fatalf("cannot step into %T at %q", v, tok)
	return nil
}

// setMember sets an array element, or sets (with drop{}: deletes) an object member.
func setMember(t *testing.T, v any, key string, value any) {
	t.Helper()
	if arr, ok := v.([]any); ok {
		var i int
		if err := json.Unmarshal([]byte(key), &i); err != nil || i >= len(arr) {
			t.Fatalf("bad index %q", key)
		}
		arr[i] = value
		return
	}
	obj, ok := v.(map[string]any)
	if !ok {
		t.Fatalf("parent of %q is %T, not an object", key, v)
	}
	if _, del := value.(drop); del {
		delete(obj, key)
		return
	}
	obj[key] = value
}

// manyItems returns n minimal federation items.
func manyItems(n int) []any {
	items := make([]any, n)
	for i := range items {
		items[i] = map[string]any{"kind": "contact_removed", "from": "alice#a.test", "to": "bob#b.test"}
	}
	return items
}
