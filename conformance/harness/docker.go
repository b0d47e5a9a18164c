package harness

import (
	"context"

	"github.com/emsg-project/emsg/internal/launch"
)

// ErrNoDocker is returned when no Docker engine answers.
var ErrNoDocker = launch.ErrNoDocker

// DockerAvailable reports whether a Docker engine answers (nil) or why
// not (wrapping [ErrNoDocker]).
func DockerAvailable(ctx context.Context) error { return launch.DockerAvailable(ctx) }
