package fedsig

import (
	"errors"

	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// asWire reports whether err holds a *wire.Error and stores the outermost.
func asWire(err error, target **wire.Error) bool { return errors.As(err, target) }
