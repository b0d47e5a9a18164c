package policy

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"

	"github.com/emsg-project/emsg/reference/server/config"
)

// FileName is the file in the data directory that holds a policy the
// operator set.
const FileName = "policy.json"

// Live is the policy in force. Build it with [Open]; it is safe for
// concurrent use.
type Live struct {
	path    string
	current atomic.Pointer[Policy]
	mu      sync.Mutex // serialises Replace
}

// Open returns the policy of the server configured by cfg: the one last
// set by the operator (policy.json in cfg.DataDir) or else cfg's.
func Open(cfg config.Config) (*Live, error) {
	l := &Live{path: filepath.Join(cfg.DataDir, FileName)}
	p := FromConfig(cfg)
	raw, err := os.ReadFile(l.path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return nil, fmt.Errorf("read policy: %w", err)
	default:
		var stored Policy
		if err := json.Unmarshal(raw, &stored); err != nil {
			return nil, fmt.Errorf("read policy %s: %w", l.path, err)
		}
		p = stored
	}
	p = p.clone()
	l.current.Store(&p)
	return l, nil
}

// Current returns a copy of the policy in force.
func (l *Live) Current() Policy { return l.current.Load().clone() }

// Replace makes p the policy in force once it is on disk (written to a
// temporary file, synced and renamed over policy.json), so that an
// answered PUT survives a crash. The caller has checked p.
func (l *Live) Replace(p Policy) error {
	p = p.clone()
	raw, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("encode policy: %w", err)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := writeFileSynced(l.path, raw); err != nil {
		return fmt.Errorf("write policy: %w", err)
	}
	l.current.Store(&p)
	return nil
}

// Of is the policy in force for a service: l's, or cfg's when the service
// was built without a Live.
func Of(l *Live, cfg config.Config) Policy {
	if l == nil {
		return FromConfig(cfg)
	}
	return l.Current()
}

// writeFileSynced replaces path with data atomically and durably.
func writeFileSynced(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".policy-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // after a successful rename there is nothing to remove
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	dir, err := os.Open(filepath.Dir(path))
	if err != nil {
		return err
	}
	defer dir.Close()
	return dir.Sync()
}
