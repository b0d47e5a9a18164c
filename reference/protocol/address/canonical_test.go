package address

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/emsg-project/emsg/reference/protocol/wire"
)

func TestParseCanonical(t *testing.T) {
	tests := []struct {
		in   string
		want Reason // "" means accepted
	}{
		// happy path
		{"alice#a.test", ""},               // already canonical
		{"x-1.y_z#xn--bcher-kva.test", ""}, // every local character class, an A-label
		// sad path
		{"Alice#a.test", NotCanonical}, // upper case in the local part is folded by Parse, refused here
		{"alice#A.TEST", NotCanonical}, // upper case in the domain
		{"alice#a..test", LabelEmpty},  // grammar failures keep their own reason
		{"alice", NoSeparator},         // likewise
	}
	for _, tt := range tests {
		_, err := ParseCanonical(tt.in)
		if got := ReasonOf(err); got != tt.want {
			t.Errorf("ParseCanonical(%q): reason %q, want %q (err %v)", tt.in, got, tt.want, err)
		}
		if tt.want != "" && wire.DefectOf(err) != wire.BadAddress {
			t.Errorf("ParseCanonical(%q): defect %q, want bad_address", tt.in, wire.DefectOf(err))
		}
	}
}

func TestParseCanonicalDomain(t *testing.T) {
	if _, err := ParseCanonicalDomain("b.test"); err != nil {
		t.Fatalf("canonical domain rejected: %v", err)
	}
	if _, err := ParseCanonicalDomain("B.test"); ReasonOf(err) != NotCanonical {
		t.Fatalf("upper-case domain: got %v, want reason not_canonical", err)
	}
	if _, err := ParseCanonicalDomain("b"); ReasonOf(err) != SingleLabel {
		t.Fatalf("single label: got %v, want reason single_label", err)
	}
}

func TestJSONDecodingRequiresCanonicalForm(t *testing.T) {
	var v struct{ To Address }
	if err := json.Unmarshal([]byte(`{"To":"bob#b.test"}`), &v); err != nil || v.To.String() != "bob#b.test" {
		t.Fatalf("canonical address: got %v, %v", v.To, err)
	}
	err := json.Unmarshal([]byte(`{"To":"Bob#b.test"}`), &v)
	if ReasonOf(err) != NotCanonical {
		t.Fatalf("upper-case address in an object: got %v, want reason not_canonical", err)
	}
}

func TestReasonOfFindsWrappedReasons(t *testing.T) {
	_, inner := Parse("alice#-a.test")
	// A decoder reports the failure as its member's, keeping the cause.
	member := &wire.Error{Defect: wire.BadAddress, Field: "peer", Msg: inner.Error(), Err: inner}
	wrapped := fmt.Errorf("parse ticket: %w", member)
	if got := ReasonOf(wrapped); got != LabelHyphenEdge {
		t.Fatalf("ReasonOf(wrapped) = %q, want label_hyphen_edge", got)
	}
	if got := ReasonOf(wire.Errorf(wire.BadAddress, "peer", "no cause")); got != "" {
		t.Fatalf("ReasonOf(no grammar cause) = %q, want empty", got)
	}
	if got := ReasonOf(wire.Errorf(wire.BadSignature, "label_empty", "wrong defect")); got != "" {
		t.Fatalf("ReasonOf(other defect) = %q, want empty", got)
	}
}
