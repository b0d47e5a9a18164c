// Package stream serves an account's event stream, GET /emsg/v1/stream: the
// WebSocket on which the reference server pushes the events the store holds
// for the account (section 4 of the spec, "The event stream").
//
// A [Hub] owns every open stream. The server builds one with [New], mounts
// it with [Hub.Routes], and the packages that append events to the store
// (messaging, contacts, ...) call [Hub.Notify] after their store.Update
// returned nil, so that only durable events are ever pushed.
//
// # Opening a stream
//
// The handler authenticates the request with the [Authenticator] before
// anything else (401 unauthorized in the spec's error shape, STREAM-AUTH-01),
// then checks the since parameter (400 bad_request) and upgrades; a request
// that is not a WebSocket handshake gets 400 bad_request. After the upgrade
// the since value is treated as an acknowledgement (STREAM-ACK-01), clamped
// to what this server has sent the account (STREAM-ACK-02), and the first
// frame is {"type":"ready","resume_from":n} with n the store's AckedSeq
// (STREAM-READY-01). Every stored event after n follows in order, with its
// original seq (STREAM-REPLAY-01).
//
// # Frames
//
// Client frames must pass spec/schemas/stream-client-frame.json; one that
// does not (or a binary frame) gets an error frame with bad_request and
// changes nothing (STREAM-FRAME-01):
//   - ack: acknowledges every event up to seq for all the account's streams
//     (STREAM-MULTI-01); an ack beyond the highest seq sent to the account is
//     refused with bad_request and acknowledges nothing (STREAM-ACK-02).
//   - ping: answered by pong (STREAM-PING-01).
//   - send: handed to the [Sender] set with [Hub.SetSender] and answered by a
//     result frame (STREAM-SEND-01). Without a Sender the result is 503
//     unavailable: the envelope was not processed and the client may retry it
//     with the same idempotency key (or use POST /messages).
//   - signal: this package delivers no signals, so the answer is the one POST
//     /signals gives on a server that does not offer them: an error frame
//     with not_found (CONF-FEATURE-01, STREAM-SIGNAL-01).
//
// # Closing
//
// A frame larger than [MaxFrameBytes] closes the stream with status 1009; no
// client frame for config.StreamIdleTimeout closes it with 1000
// (LIMIT-IDLE-01); [Hub.Close] closes every stream with 1001. A stream whose
// token expired or was revoked is closed with 4001 (STREAM-TOKEN-01): the
// Authenticator says nothing about expiry, so the hub keeps each stream's
// credential (the Authorization header or access_token, nothing else) and
// asks the Authenticator again every [RecheckInterval], and at once for an
// account when [Hub.Revalidate] is called (logout, suspension).
//
// # Memory
//
// An idle stream costs one goroutine (the reader, blocked in a read), a
// 512-byte read buffer and the connection state: write buffers come from a
// pool shared by all streams, and a writer goroutine exists only while there
// are events to push. memory_test.go measures the cost per idle stream.
package stream
