package harness

import (
	"strings"
	"testing"

	"github.com/emsg-project/emsg/reference/server/config"
)

// TestOperatorKey checks the operator key round-trips through its
// private form, that its public entry is what the reference accepts in
// EMSG_ADMIN_KEYS, and which domains get it.
func TestOperatorKey(t *testing.T) {
	op, err := NewOperator()
	if err != nil {
		t.Fatal(err)
	}
	again, err := ParseOperator(op.String())
	if err != nil || again.Entry() != op.Entry() {
		t.Fatalf("ParseOperator(String()): %v, entry %q, want %q", err, again.Entry(), op.Entry())
	}
	keys, err := config.Config{AdminKeys: []string{op.Entry()}}.OperatorKeys()
	if err != nil || len(keys) != 1 {
		t.Fatalf("the reference reads the entry %q: %v, %d keys", op.Entry(), err, len(keys))
	}
	c, err := Defaults().WithOperator()
	if err != nil || c.Operator == nil {
		t.Fatalf("WithOperator: %v, %v", c.Operator, err)
	}
	for domain, want := range map[string]bool{"a.test": true, "b.test": true, "c.test": false} {
		if got := c.AdminKeys(domain) != ""; got != want {
			t.Errorf("%s has an operator key: %v, want %v", domain, got, want)
		}
	}
	ext := Config{Kind: KindExternal, Domains: []string{"a.test", "b.test", "c.test"}}
	if ext, _ = ext.WithOperator(); ext.Operator != nil {
		t.Error("an external target got a generated key")
	}
}

func TestParseOperatorRefuses(t *testing.T) {
	for _, s := range []string{"", "ed25519:op1", "rsa:op1=AAAA", "ed25519:op1=AAAA", "ed25519:op1=" + strings.Repeat("A", 43) + "!"} {
		if _, err := ParseOperator(s); err == nil {
			t.Errorf("ParseOperator(%q): no error", s)
		}
	}
}

func TestFromEnvReadsTheOperatorKey(t *testing.T) {
	op, _ := NewOperator()
	c, err := FromEnv(func(k string) string {
		return map[string]string{"EMSG_CONFORM_TARGET": "external", "EMSG_CONFORM_OPERATOR_KEY": op.String()}[k]
	})
	if err != nil || c.Operator == nil || c.Operator.Entry() != op.Entry() {
		t.Fatalf("got %v, %v", c.Operator, err)
	}
	if !c.OperatorConfigured("c.test") {
		t.Error("an external target's operator key is for every domain")
	}
	if _, err := FromEnv(func(k string) string { return map[string]string{"EMSG_CONFORM_OPERATOR_KEY": "nope"}[k] }); err == nil {
		t.Error("a malformed key: no error")
	}
}
