package client

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// StoreFile is the name of the local store inside a client directory.
const StoreFile = "client.db"

// storeLockTimeout bounds the wait for the store's file lock: one process
// at a time uses a client directory, and a second one is told so.
const storeLockTimeout = 2 * time.Second

// Buckets of the local store.
var (
	bucketMeta     = []byte("meta")     // "seq": the last event seq processed and acknowledged
	bucketContacts = []byte("contacts") // address → Contact JSON
	bucketMessages = []byte("messages") // expires(8) from 0 id → Message JSON
	bucketSeen     = []byte("seen")     // from 0 id → expires(8): messages already shown
	bucketPinned   = []byte("pinned")   // favorite id → Favorite JSON: never expires
	bucketSessions = []byte("sessions") // other party → session ticket (raw)
)

// keySeq is the meta key of the last processed event seq.
var keySeq = []byte("seq")

// seenMargin keeps a (from, id) remembered this long after its message
// expired, so that a server whose clock runs behind cannot redeliver it
// to a client that forgot it.
const seenMargin = 24 * time.Hour

// localStore is the client's durable state: contacts with their key
// chains, messages shown, the (from, id) pairs already shown and the last
// event seq acknowledged. It is a bbolt file because the stream needs one
// atomic, synced write per event — the message, its dedupe record and the
// new seq together — before the event may be acknowledged (CLIENT-ACK-01);
// a set of JSON files cannot commit the three at once.
type localStore struct {
	db *bolt.DB
}

// openStore opens (or creates, with [FileMode]) the store of dir, refusing
// a store file others may access, as for the keystore.
func openStore(dir string) (*localStore, error) {
	if err := os.MkdirAll(dir, DirMode); err != nil {
		return nil, fmt.Errorf("local store: %w", err)
	}
	path := filepath.Join(dir, StoreFile)
	if info, err := os.Lstat(path); err == nil {
		if err := checkPrivate(info); err != nil {
			return nil, fmt.Errorf("local store %s: %w", path, err)
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("local store: %w", err)
	}
	db, err := bolt.Open(path, FileMode, &bolt.Options{Timeout: storeLockTimeout})
	if err != nil {
		return nil, fmt.Errorf("local store %s: %w", path, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketMeta, bucketContacts, bucketMessages, bucketSeen, bucketSessions, bucketPinned} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("local store %s: %w", path, err)
	}
	return &localStore{db: db}, nil
}

func (s *localStore) close() error { return s.db.Close() }

// lastSeq returns the last event seq processed.
func (s *localStore) lastSeq() (seq uint64, err error) {
	err = s.db.View(func(tx *bolt.Tx) error {
		if v := tx.Bucket(bucketMeta).Get(keySeq); len(v) == 8 {
			seq = binary.BigEndian.Uint64(v)
		}
		return nil
	})
	return seq, err
}

// setSeq records seq as processed, never moving backwards.
func setSeq(tx *bolt.Tx, seq uint64) error {
	b := tx.Bucket(bucketMeta)
	if v := b.Get(keySeq); len(v) == 8 && binary.BigEndian.Uint64(v) >= seq {
		return nil
	}
	return b.Put(keySeq, binary.BigEndian.AppendUint64(nil, seq))
}

// getContact reads the contact record of addr; ok is false without one.
func getContact(tx *bolt.Tx, addr address.Address) (c Contact, ok bool, err error) {
	v := tx.Bucket(bucketContacts).Get([]byte(addr.String()))
	if v == nil {
		return Contact{}, false, nil
	}
	if err := json.Unmarshal(v, &c); err != nil {
		return Contact{}, false, fmt.Errorf("contact %s: %w", addr, err)
	}
	return c, true, nil
}

// putContact writes c's record.
func putContact(tx *bolt.Tx, c Contact) error {
	v, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("contact %s: %w", c.Address, err)
	}
	return tx.Bucket(bucketContacts).Put([]byte(c.Address.String()), v)
}

// seenKey is the dedupe key of a message.
func seenKey(from address.Address, id string) []byte {
	return []byte(from.String() + "\x00" + id)
}

// messageKey orders messages by expiry, so that expiry deletes a prefix.
func messageKey(m Message) []byte {
	k := binary.BigEndian.AppendUint64(nil, uint64(max(m.Expires, 0)))
	return append(k, seenKey(m.From, m.ID)...)
}

// wasSeen reports whether (from, id) was shown before.
func wasSeen(tx *bolt.Tx, from address.Address, id string) bool {
	return tx.Bucket(bucketSeen).Get(seenKey(from, id)) != nil
}

// keepMessage stores m and remembers its (from, id) as shown.
func keepMessage(tx *bolt.Tx, m Message) error {
	v, err := json.Marshal(m)
	if err != nil {
		return fmt.Errorf("message %s/%s: %w", m.From, m.ID, err)
	}
	if err := tx.Bucket(bucketMessages).Put(messageKey(m), v); err != nil {
		return err
	}
	forget := m.Expires + wire.Millis(seenMargin/time.Millisecond)
	return tx.Bucket(bucketSeen).Put(seenKey(m.From, m.ID), binary.BigEndian.AppendUint64(nil, uint64(max(forget, 0))))
}

// expire deletes every message whose expiry is at or before now, and the
// dedupe records past theirs (CLIENT-TTL-01), returning how many messages
// went.
func (s *localStore) expire(now wire.Millis) (n int, err error) {
	err = s.db.Update(func(tx *bolt.Tx) error {
		n = 0
		var err error
		if n, err = deleteThrough(tx.Bucket(bucketMessages), now, true); err != nil {
			return err
		}
		_, err = deleteThrough(tx.Bucket(bucketSeen), now, false)
		return err
	})
	return n, err
}

// deleteThrough deletes the entries of b expiring at or before now; byKey
// says whether the expiry is the key's prefix (messages) or the value
// (dedupe records).
func deleteThrough(b *bolt.Bucket, now wire.Millis, byKey bool) (int, error) {
	var doomed [][]byte
	c := b.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		at := v
		if byKey {
			at = k
		}
		if len(at) < 8 {
			continue
		}
		if wire.Millis(binary.BigEndian.Uint64(at[:8])) > now {
			if byKey {
				break
			}
			continue
		}
		doomed = append(doomed, append([]byte(nil), k...))
	}
	for _, k := range doomed {
		if err := b.Delete(k); err != nil {
			return 0, err
		}
	}
	return len(doomed), nil
}

// messages returns the stored messages, soonest to expire first.
func (s *localStore) messages() ([]Message, error) {
	var out []Message
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketMessages).ForEach(func(k, v []byte) error {
			var m Message
			if err := json.Unmarshal(v, &m); err != nil {
				return fmt.Errorf("message %q: %w", k[8:], err)
			}
			out = append(out, m)
			return nil
		})
	})
	return out, err
}
