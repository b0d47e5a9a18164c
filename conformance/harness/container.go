package harness

import (
	"context"
	"errors"
)

// ErrNoContainerTarget says the container target is not written yet.
var ErrNoContainerTarget = errors.New("target container: not implemented yet in this harness (use exec with `docker run`, or external)")

// StartContainers would start one container per domain on a private
// Docker network following docs/CONTAINER.md. Not written yet: see
// conformance/README.md for the exec and external targets meanwhile.
func StartContainers(context.Context, Config) (Deployment, error) {
	return nil, ErrNoContainerTarget
}
