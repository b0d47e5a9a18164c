package enginebench

import (
	"context"
	"errors"
	"sync"
)

// Delivery is one envelope addressed to one recipient, as the server's send
// and federation inbox handlers hand it to the store.
type Delivery struct {
	// From and ID form the idempotency key: a second delivery with the same
	// pair changes nothing.
	From string
	ID   string
	// To is the recipient account (local) or address (remote).
	To string
	// Destination is the recipient's domain when the recipient is on another
	// server; the delivery then goes to that destination's federation queue
	// instead of an account's event log. Empty for a local recipient.
	Destination string
	// Body is the stored event (about 1 KiB: the envelope and its metadata).
	Body []byte
}

// Result says what [Store.Accept] did with one delivery.
type Result struct {
	// Duplicate is true when (From, ID) had been accepted before; nothing
	// changed and Seq is zero.
	Duplicate bool
	// Seq is the recipient account's sequence number of the new event, or the
	// queue sequence number of the new queue item for a remote recipient.
	Seq uint64
}

// Event is one stored event of an account's log.
type Event struct {
	Seq  uint64
	Body []byte
}

// QueueID names one federation queue item.
type QueueID struct {
	Dest string
	Seq  uint64
}

// QueueItem is one federation queue item, returned in FIFO order by
// [Store.Dequeue].
type QueueItem struct {
	ID   QueueID
	Body []byte
}

// Store is the durable state of the server's hot path. All methods are safe
// for concurrent use. A method that writes returns only after its changes are
// durable (fsync), except where an engine variant says otherwise
// (SQLite synchronous=NORMAL).
type Store interface {
	// Accept records the deliveries in one atomic, durable step and returns
	// one Result per delivery, in order.
	Accept(ctx context.Context, batch []Delivery) ([]Result, error)
	// Ack deletes the account's events with a sequence number up to upToSeq.
	Ack(ctx context.Context, account string, upToSeq uint64) error
	// Read returns at most limit events of the account with a sequence number
	// above afterSeq, in order.
	Read(ctx context.Context, account string, afterSeq uint64, limit int) ([]Event, error)
	// Dequeue returns, without removing them, the first n items of the
	// destination's queue, in FIFO order.
	Dequeue(ctx context.Context, dest string, n int) ([]QueueItem, error)
	// Done removes answered queue items.
	Done(ctx context.Context, ids []QueueID) error
	// Close releases the store; pending writes finish first.
	Close() error
}

// ErrClosed is returned by a [Store] method called after Close.
var ErrClosed = errors.New("store closed")

// onceCloser makes Close safe to call twice: the second call returns
// [ErrClosed] instead of reaching an engine that panics on it.
type onceCloser struct {
	mu     sync.Mutex
	closed bool
}

func (o *onceCloser) close(f func() error) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.closed {
		return ErrClosed
	}
	o.closed = true
	return f()
}
