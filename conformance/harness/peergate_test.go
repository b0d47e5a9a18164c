package harness

import (
	"io"
	"net"
	"net/netip"
	"testing"
	"time"
)

// The gate admits its subnet only, and a blocked address loses its open
// connections and every new one until it is unblocked. Loopback stands
// for the run's network: the whole of 127.0.0.0/8 is local.
func TestPeerGateAdmitsTheSubnetAndCutsAnAddress(t *testing.T) {
	gate, err := listenPeerGate(netip.MustParseAddr("127.0.0.1"), netip.MustParsePrefix("127.0.0.2/31"))
	if err != nil {
		t.Fatal(err)
	}
	defer gate.Close()
	go echo(gate)
	inside, outside := netip.MustParseAddr("127.0.0.2"), netip.MustParseAddr("127.0.0.4")

	open := dialFrom(t, gate, inside)
	defer open.Close()
	if !answers(open) {
		t.Fatal("a connection from the subnet got no answer")
	}
	if c := dialFrom(t, gate, outside); answers(c) {
		t.Error("a connection from outside the subnet (a cut off container on the default bridge) was admitted")
	}

	gate.block(inside)
	if answers(open) {
		t.Error("a blocked address's open connection still answers")
	}
	if c := dialFrom(t, gate, inside); answers(c) {
		t.Error("a blocked address opened a new connection")
	}
	if c := dialFrom(t, gate, netip.MustParseAddr("127.0.0.3")); !answers(c) {
		t.Error("blocking one address blocked another of the subnet")
	}

	gate.unblock(inside)
	if c := dialFrom(t, gate, inside); !answers(c) {
		t.Error("an unblocked address is still refused")
	}
}

// echo answers every byte of every admitted connection.
func echo(l net.Listener) {
	for {
		c, err := l.Accept()
		if err != nil {
			return
		}
		go func() { defer c.Close(); _, _ = io.Copy(c, c) }()
	}
}

// dialFrom connects to the gate from the local address from.
func dialFrom(t *testing.T, l net.Listener, from netip.Addr) net.Conn {
	t.Helper()
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: from.AsSlice()}, Timeout: 5 * time.Second}
	c, err := d.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatalf("dial from %s: %v", from, err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// answers reports whether one byte written on c comes back.
func answers(c net.Conn) bool {
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := c.Write([]byte{1}); err != nil {
		return false
	}
	var b [1]byte
	_, err := io.ReadFull(c, b[:])
	return err == nil
}
