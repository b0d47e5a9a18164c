package results

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
)

// MaxSize is the largest JSON results document [Read] accepts (64 MiB):
// wire logs make runs large, but never this large.
const MaxSize = 64 << 20

// The errors of [Read]; callers branch on them with errors.Is.
var (
	ErrFormat  = errors.New("unsupported results format version")
	ErrKind    = errors.New("not a conformance run")
	ErrInvalid = errors.New("invalid results")
)

// Header is the part of every results document (conformance or load) that
// says what it is; [PeekHeader] reads only this.
type Header struct {
	Kind   string `json:"kind"`
	Format int    `json:"format"`
}

// PeekHeader reads the kind and format of a results document without
// decoding the rest, so a tool can dispatch on the kind ("conformance",
// "load") before choosing a reader.
func PeekHeader(data []byte) (Header, error) {
	var h Header
	if err := json.Unmarshal(data, &h); err != nil {
		return Header{}, fmt.Errorf("read results header: %w: %w", ErrInvalid, err)
	}
	if h.Kind == "" {
		return Header{}, fmt.Errorf("read results header: %w: no \"kind\"", ErrInvalid)
	}
	return h, nil
}

// Read decodes one conformance run from its JSON form, strictly: unknown
// fields, trailing data, another kind or format version, unknown verdicts
// and duplicate or empty case IDs are errors.
func Read(r io.Reader) (Run, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxSize+1))
	if err != nil {
		return Run{}, fmt.Errorf("read results: %w", err)
	}
	if len(data) > MaxSize {
		return Run{}, fmt.Errorf("read results: %w: larger than %d bytes", ErrInvalid, MaxSize)
	}
	return Decode(data)
}

// Decode is [Read] on a byte slice.
func Decode(data []byte) (Run, error) {
	h, err := PeekHeader(data)
	if err != nil {
		return Run{}, err
	}
	if h.Kind != KindConformance {
		return Run{}, fmt.Errorf("read results: %w: kind is %q", ErrKind, h.Kind)
	}
	if h.Format != FormatVersion {
		return Run{}, fmt.Errorf("read results: %w: %d (this build reads %d)", ErrFormat, h.Format, FormatVersion)
	}
	var run Run
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&run); err != nil {
		return Run{}, fmt.Errorf("read results: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return Run{}, fmt.Errorf("read results: %w: data after the run", ErrInvalid)
	}
	if err := Validate(run); err != nil {
		return Run{}, fmt.Errorf("read results: %w", err)
	}
	return run, nil
}

// Validate checks what the JSON schema of the format cannot: every verdict
// is known and every case has a unique, non-empty ID.
func Validate(run Run) error {
	seen := make(map[string]bool, len(run.Cases))
	for i, c := range run.Cases {
		switch {
		case c.ID == "":
			return fmt.Errorf("%w: case %d has no id", ErrInvalid, i)
		case seen[c.ID]:
			return fmt.Errorf("%w: case id %q appears twice", ErrInvalid, c.ID)
		case !c.Verdict.Known():
			return fmt.Errorf("%w: case %q has unknown verdict %q", ErrInvalid, c.ID, c.Verdict)
		}
		seen[c.ID] = true
	}
	return nil
}

// Write encodes run in its JSON form, indented, filling in Kind and Format
// when they are empty.
func Write(w io.Writer, run Run) error {
	if run.Kind == "" {
		run.Kind = KindConformance
	}
	if run.Format == 0 {
		run.Format = FormatVersion
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(run); err != nil {
		return fmt.Errorf("write results: %w", err)
	}
	return nil
}

// ReadFile reads the run stored at path.
func ReadFile(path string) (Run, error) {
	f, err := os.Open(path)
	if err != nil {
		return Run{}, fmt.Errorf("read results: %w", err)
	}
	defer f.Close()
	run, err := Read(f)
	if err != nil {
		return Run{}, fmt.Errorf("%s: %w", path, err)
	}
	return run, nil
}

// WriteFile writes run to path (mode 0644), replacing the file.
func WriteFile(path string, run Run) error {
	var buf bytes.Buffer
	if err := Write(&buf, run); err != nil {
		return err
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("write results: %w", err)
	}
	return nil
}
