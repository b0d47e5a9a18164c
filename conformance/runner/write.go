package runner

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/emsg-project/emsg/reports/results"
)

// Renderer writes one form of a run into a report directory. The reports
// package adds its renderers (JUnit, Markdown, HTML, badges) to
// [Renderers]; the runner only knows JSON.
type Renderer func(dir string, run results.Run) error

// Renderers are called, in order, by [WriteReports].
var Renderers = []Renderer{WriteJSON}

// WriteReports creates dir and calls every renderer.
func WriteReports(dir string, run results.Run) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("report directory: %w", err)
	}
	for _, r := range Renderers {
		if err := r(dir, run); err != nil {
			return err
		}
	}
	return nil
}

// WriteJSON writes dir/results.json, the stable results format.
func WriteJSON(dir string, run results.Run) error {
	raw, err := json.MarshalIndent(run, "", "  ")
	if err != nil {
		return fmt.Errorf("encode results: %w", err)
	}
	path := filepath.Join(dir, "results.json")
	if err := os.WriteFile(path, append(raw, '\n'), 0o644); err != nil {
		return fmt.Errorf("write results: %w", err)
	}
	return nil
}
