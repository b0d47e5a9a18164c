// Package vectors holds the EMSG/1 test vectors: JSON files of test cases that
// any implementation, in any language, runs against its own code, and the Go
// API to read them.
//
// # Files
//
// Each file covers one area of the protocol (see [Files]): address grammar,
// canonical JSON, the three cryptographic primitives (Ed25519, sealed boxes,
// XChaCha20-Poly1305), key bundles and rotation chains, 1:1 and group
// envelopes, federation request signatures, session tickets, export bundles
// and signed notices. They are embedded in [FS] as "data/<name>.json", next to
// their JSON Schema at "schema/vectors.schema.json".
//
// # Format
//
// The format follows Wycheproof: a file has a header and test groups; a group
// has shared parameters (keys, addresses, the clock) and tests; a test has a
// [Test.TcID] unique in its file, a [Test.Comment], [Test.Flags], a
// [Result] (valid, invalid or acceptable) and, for an invalid test, the one
// [wire.Defect] an implementation must report. Every key, seed, nonce,
// ephemeral key and timestamp is given, so every byte of every valid output
// can be reproduced. Byte strings are unpadded base64url, as on the wire.
// README.md in this folder is the format reference for implementers.
//
// # Regenerating
//
// The files are written by a deterministic generator (internal/gen, one file
// per vector file) from fixed seeds and clocks:
//
//	go generate ./vectors    (or: make vectors)
//
// The tests fail when the committed files differ from a fresh generation.
package vectors

//go:generate go run ./internal/gen -out data

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"strings"

	"github.com/emsg-project/emsg/reference/protocol/wire"
)

//go:embed data/*.json schema/*.json
var embedded embed.FS

// FS holds the vector files as "data/<name>.json" and their JSON Schema as
// "schema/vectors.schema.json".
var FS fs.FS = embedded

// SchemaPath is the path of the JSON Schema of every vector file in [FS].
const SchemaPath = "schema/vectors.schema.json"

// Names of the vector files, without the ".json" suffix, in the order of
// [Files]. Other parts of the project refer to the files by these names.
const (
	Address           = "address"
	CanonicalJSON     = "canonical-json"
	Ed25519           = "ed25519"
	SealedBox         = "sealed-box"
	XChaCha20Poly1305 = "xchacha20-poly1305"
	KeyBundle         = "key-bundle"
	Envelope          = "envelope"
	GroupEnvelope     = "group-envelope"
	FederationSig     = "federation-signature"
	SessionTicket     = "session-ticket"
	ExportBundle      = "export-bundle"
	Notices           = "notices"
)

// Files returns the names of the vector files in [FS] (without directory or
// ".json"), sorted.
func Files() []string {
	entries, err := fs.ReadDir(FS, "data")
	if err != nil {
		return nil
	}
	var names []string
	for _, e := range entries {
		if name, ok := strings.CutSuffix(e.Name(), ".json"); ok && !e.IsDir() {
			names = append(names, name)
		}
	}
	return names
}

// Load reads and decodes the vector file name (e.g. "envelope" or
// "envelope.json") from [FS].
func Load(name string) (*File, error) {
	name = strings.TrimSuffix(name, ".json")
	data, err := fs.ReadFile(FS, path.Join("data", name+".json"))
	if err != nil {
		return nil, fmt.Errorf("load vectors %q: %w", name, err)
	}
	f, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("load vectors %q: %w", name, err)
	}
	return f, nil
}

// Defects is the closed list of defects an invalid test may name: the
// [wire.Defect] values of the reference library.
var Defects = []wire.Defect{
	wire.BadAddress, wire.BadEncoding, wire.Malformed, wire.BadKey,
	wire.BadSignature, wire.BadChain, wire.DecryptFailed, wire.NotARecipient,
	wire.RoutingMismatch, wire.Expired, wire.ClockSkew, wire.WrongDestination,
	wire.UnknownKey, wire.TooLarge, wire.UnsupportedVersion,
}
