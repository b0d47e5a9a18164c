// Command gen writes the EMSG/1 test vector files. It is run by
// `go generate ./vectors` (make vectors) as `go run ./internal/gen -out data`.
//
// Every file has one generator function in a source file of the same name
// (address.go writes address.json). All randomness comes from
// [wire.NewSeededReader] streams named by a label, and every clock is fixed,
// so the output is byte-for-byte the same on every run and every machine.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/emsg-project/emsg/vectors"
)

// generatorVersion is written into every file; bump it when the output changes
// in a way readers should notice.
const generatorVersion = "1"

// generators maps each vector file name to the function that builds it.
var generators = map[string]func() (*vectors.File, error){
	vectors.Address:           genAddress,
	vectors.CanonicalJSON:     genCanonicalJSON,
	vectors.Ed25519:           genEd25519,
	vectors.SealedBox:         genSealedBox,
	vectors.XChaCha20Poly1305: genXChaCha,
	vectors.KeyBundle:         genKeyBundle,
	vectors.Envelope:          genEnvelope,
	vectors.GroupEnvelope:     genGroupEnvelope,
	vectors.FederationSig:     genFederationSig,
	vectors.SessionTicket:     genSessionTicket,
	vectors.ExportBundle:      genExportBundle,
	vectors.Notices:           genNotices,
}

func main() {
	out := flag.String("out", "data", "directory to write the vector files to")
	flag.Parse()
	if err := run(*out); err != nil {
		fmt.Fprintf(os.Stderr, "gen: %v\n", err)
		os.Exit(1)
	}
}

func run(out string) error {
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	for name, gen := range generators {
		f, err := gen()
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		data, err := encode(f)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if err := os.WriteFile(filepath.Join(out, name+".json"), data, 0o644); err != nil {
			return err
		}
	}
	return nil
}
