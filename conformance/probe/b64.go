package probe

import "github.com/emsg-project/emsg/reference/protocol/wire"

// decodeB64 decodes strict unpadded base64url.
func decodeB64(s string) ([]byte, error) { return wire.DecodeBytes(s) }
