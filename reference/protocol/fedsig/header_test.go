package fedsig

import (
	"strings"
	"testing"

	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// sig64 is a well-formed (not necessarily valid) signature value.
var sig64 = wire.EncodeBytes(make([]byte, 64))

// header builds a federation header from raw parameter text.
func header(params string) string { return "EMSG-Federation " + params }

const canonicalParams = `origin="a.test",destination="b.test",key="ed25519:k1",ts="1700000000000",sig="` + "SIG" + `"`

func withSig(s string) string { return strings.ReplaceAll(s, "SIG", sig64) }

func TestParseAuthorizationValid(t *testing.T) {
	fed := Params{Scheme: SchemeFederation, Origin: "a.test", Destination: "b.test", Key: "ed25519:k1", TS: 1700000000000, Sig: make(wire.Bytes, 64)}
	admin := fed
	admin.Scheme, admin.Origin = SchemeAdmin, AdminOrigin
	tsZero, tsMax := fed, fed
	tsZero.TS, tsMax.TS = 0, wire.MaxSafeInteger
	tests := []struct {
		name   string
		header string
		want   Params
	}{
		// happy path
		{"canonical form", header(canonicalParams), fed},
		{"parameters in another order", header(`sig="SIG",ts="1700000000000",key="ed25519:k1",destination="b.test",origin="a.test"`), fed},
		{"spaces after commas", header(`origin="a.test", destination="b.test", key="ed25519:k1", ts="1700000000000", sig="SIG"`), fed},
		{"spaces and tabs around commas", header("origin=\"a.test\" \t,\t destination=\"b.test\" ,key=\"ed25519:k1\",ts=\"1700000000000\",sig=\"SIG\""), fed},
		{"white space around = (RFC 9110 BWS)", header(`origin = "a.test",destination= "b.test",key ="ed25519:k1",ts="1700000000000",sig="SIG"`), fed},
		{"several spaces after the scheme", "EMSG-Federation   " + canonicalParams, fed},
		{"scheme in other case (RFC 9110)", "emsg-FEDERATION " + canonicalParams, fed},
		{"parameter names in other case (RFC 9110)", header(`ORIGIN="a.test",Destination="b.test",Key="ed25519:k1",TS="1700000000000",Sig="SIG"`), fed},
		{"admin scheme with origin admin", `EMSG-Admin origin="admin",destination="b.test",key="ed25519:k1",ts="1700000000000",sig="SIG"`, admin},
		{"ts zero", header(strings.Replace(canonicalParams, "1700000000000", "0", 1)), tsZero},
		{"ts 2^53-1", header(strings.Replace(canonicalParams, "1700000000000", "9007199254740991", 1)), tsMax},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseAuthorization(withSig(tt.header))
			if err != nil {
				t.Fatalf("ParseAuthorization: %v", err)
			}
			if got.Header() != tt.want.Header() {
				t.Errorf("got %s, want %s", got.Header(), tt.want.Header())
			}
		})
	}
}

func TestParseAuthorizationInvalid(t *testing.T) {
	replace := func(old, new string) string { return header(strings.Replace(canonicalParams, old, new, 1)) }
	tests := []struct {
		name   string
		header string
		field  string // the field the error names
	}{
		// sad path: the scheme and the frame
		{"empty", "", "scheme"},
		{"scheme only", "EMSG-Federation", "scheme"},
		{"scheme and a space only", "EMSG-Federation ", ""},
		{"unknown scheme", "Bearer " + canonicalParams, "scheme"},
		{"tab instead of a space after the scheme", "EMSG-Federation\t" + canonicalParams, "scheme"},
		{"leading space", " " + header(canonicalParams), ""},
		{"trailing space", header(canonicalParams) + " ", ""},
		// sad path: the parameter list
		{"missing origin", header(`destination="b.test",key="ed25519:k1",ts="1700000000000",sig="SIG"`), "origin"},
		{"missing destination", header(`origin="a.test",key="ed25519:k1",ts="1700000000000",sig="SIG"`), "destination"},
		{"missing key", header(`origin="a.test",destination="b.test",ts="1700000000000",sig="SIG"`), "key"},
		{"missing ts", header(`origin="a.test",destination="b.test",key="ed25519:k1",sig="SIG"`), "ts"},
		{"missing sig", header(`origin="a.test",destination="b.test",key="ed25519:k1",ts="1700000000000"`), "sig"},
		{"duplicate origin", header(`origin="a.test",` + canonicalParams), "origin"},
		{"duplicate in another case", header(canonicalParams + `,Origin="a.test"`), "origin"},
		{"unknown parameter", header(canonicalParams + `,digest="abc"`), ""},
		{"empty list element", replace(`,destination`, `,,destination`), ""},
		{"trailing comma", header(canonicalParams + ","), ""},
		{"parameters separated by a space only", replace(`,destination`, ` destination`), "origin"},
		{"missing =", replace(`origin="a.test"`, `origin"a.test"`), "origin"},
		{"token value instead of quoted", replace(`"a.test"`, `a.test`), "origin"},
		{"backslash escape", replace(`"a.test"`, `"a\.test"`), "origin"},
		{"unterminated quote", header(`origin="a.test`), "origin"},
		{"control byte in a value", replace(`"a.test"`, "\"a.\x01test\""), "origin"},
		{"non-ASCII in a value", replace(`"a.test"`, `"ä.test"`), "origin"},
		// sad path: values
		{"ts with a leading zero", replace(`"1700000000000"`, `"01700000000000"`), "ts"},
		{"ts with a plus sign", replace(`"1700000000000"`, `"+1700000000000"`), "ts"},
		{"ts negative", replace(`"1700000000000"`, `"-1"`), "ts"},
		{"ts with a fraction", replace(`"1700000000000"`, `"1700000000000.0"`), "ts"},
		{"ts with an exponent", replace(`"1700000000000"`, `"17e11"`), "ts"},
		{"ts empty", replace(`"1700000000000"`, `""`), "ts"},
		{"ts 2^53", replace(`"1700000000000"`, `"9007199254740992"`), "ts"},
		{"ts 17 digits", replace(`"1700000000000"`, `"10000000000000000"`), "ts"},
		{"sig with padding", replace(`sig="SIG"`, `sig="SIG=="`), "sig"},
		{"sig of 63 bytes", replace(`sig="SIG"`, `sig="`+wire.EncodeBytes(make([]byte, 63))+`"`), "sig"},
		{"sig of 65 bytes", replace(`sig="SIG"`, `sig="`+wire.EncodeBytes(make([]byte, 65))+`"`), "sig"},
		{"origin upper-case", replace(`"a.test"`, `"A.test"`), "origin"},
		{"origin single label", replace(`"a.test"`, `"localhost"`), "origin"},
		{"origin admin under EMSG-Federation", replace(`"a.test"`, `"admin"`), "origin"},
		{"admin origin not admin", "EMSG-Admin " + canonicalParams, "origin"},
		{"destination with a port", replace(`"b.test"`, `"b.test:443"`), "destination"},
		{"key without algorithm", replace(`"ed25519:k1"`, `"k1"`), "key"},
		{"key of another algorithm", replace(`"ed25519:k1"`, `"rsa:k1"`), "key"},
		{"key with empty name", replace(`"ed25519:k1"`, `"ed25519:"`), "key"},
		{"key name with a hyphen", replace(`"ed25519:k1"`, `"ed25519:k-1"`), "key"},
		{"key name of 33 characters", replace(`"ed25519:k1"`, `"ed25519:`+strings.Repeat("k", 33)+`"`), "key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseAuthorization(withSig(tt.header))
			var we *wire.Error
			if !asWire(err, &we) || we.Defect != wire.Malformed {
				t.Fatalf("got error %v, want defect %s", err, wire.Malformed)
			}
			if we.Field != tt.field {
				t.Errorf("got field %q, want %q (%v)", we.Field, tt.field, err)
			}
		})
	}
}

func TestHeaderRoundTrip(t *testing.T) {
	p := Params{Scheme: SchemeAdmin, Origin: AdminOrigin, Destination: "b.test", Key: "ed25519:op_1", TS: 42, Sig: make(wire.Bytes, 64)}
	p.Sig[0] = 0xff
	got, err := ParseAuthorization(p.Header())
	if err != nil {
		t.Fatalf("ParseAuthorization(%s): %v", p.Header(), err)
	}
	if got.Header() != p.Header() {
		t.Errorf("got %s, want %s", got.Header(), p.Header())
	}
}

func TestCheckKeyID(t *testing.T) {
	tests := []struct {
		id string
		ok bool
	}{
		// happy path
		{"ed25519:k1", true},                         // the usual form
		{"ed25519:" + strings.Repeat("Z", 32), true}, // the longest name
		{"ed25519:_", true},                          // underscore alone
		// sad path
		{"ED25519:k1", false},                         // the prefix is case-sensitive
		{"ed25519:" + strings.Repeat("Z", 33), false}, // one character too long
		{"ed25519:k.1", false},                        // dot not allowed
		{"", false},                                   // empty
	}
	for _, tt := range tests {
		err := CheckKeyID(tt.id)
		if (err == nil) != tt.ok {
			t.Errorf("CheckKeyID(%q) = %v, want ok=%v", tt.id, err, tt.ok)
		}
		if err != nil && wire.DefectOf(err) != wire.Malformed {
			t.Errorf("CheckKeyID(%q): got defect %s, want malformed", tt.id, wire.DefectOf(err))
		}
	}
}
