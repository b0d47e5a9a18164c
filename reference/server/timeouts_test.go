package server

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/emsg-project/emsg/reference/server/config"
)

// serveWithTimeouts runs a.test on loopback with short header and idle
// timeouts and returns its address.
func serveWithTimeouts(t *testing.T, header, idle time.Duration) string {
	t.Helper()
	cfg := config.Defaults()
	cfg.Domain = "a.test"
	cfg.DataDir = filepath.Join(t.TempDir(), "data")
	cfg.ReadHeaderTimeout, cfg.IdleTimeout = header, idle
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- s.Serve(l) }()
	t.Cleanup(func() {
		_ = s.Shutdown(context.Background())
		<-done
	})
	return l.Addr().String()
}

// closedWithin reads from conn until the server closes it and returns how
// long that took; it fails the test if the server keeps it open past
// limit.
func closedWithin(t *testing.T, conn net.Conn, start time.Time, limit time.Duration) time.Duration {
	t.Helper()
	_ = conn.SetReadDeadline(start.Add(limit))
	_, err := io.Copy(io.Discard, conn)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatalf("the server kept the connection open for %v", limit)
	}
	return time.Since(start)
}

// LIMIT-HEADER-01: a client that sends its headers a byte at a time
// (slowloris) is cut off after ReadHeaderTimeout, although it never
// stops sending.
func TestSlowHeadersAreCutOff(t *testing.T) {
	const timeout = 300 * time.Millisecond
	addr := serveWithTimeouts(t, timeout, time.Minute)
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	start := time.Now()
	stop := make(chan struct{})
	defer close(stop)
	go func() { // dribble a header byte every 20 ms, never finishing
		if _, err := io.WriteString(conn, "GET /emsg/v1/health HTTP/1.1\r\nHost: a.test\r\nX-Slow: "); err != nil {
			return
		}
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				if _, err := conn.Write([]byte("a")); err != nil {
					return
				}
			}
		}
	}()
	took := closedWithin(t, conn, start, 10*timeout)
	if took < timeout/2 { // the server's clock starts at accept, a little before start
		t.Errorf("closed after %v, well before the %v timeout", took, timeout)
	}
}

// LIMIT-IDLE-01: a keep-alive connection that stays idle after an answer
// is closed after IdleTimeout.
func TestIdleConnectionsAreClosed(t *testing.T) {
	const idle = 300 * time.Millisecond
	addr := serveWithTimeouts(t, time.Minute, idle)
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, "GET /emsg/v1/health HTTP/1.1\r\nHost: a.test\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("health: %d", resp.StatusCode)
	}
	start := time.Now()
	_ = conn.SetReadDeadline(start.Add(10 * idle))
	_, err = io.Copy(io.Discard, br)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatalf("the idle connection stayed open for %v", 10*idle)
	}
	if took := time.Since(start); took < idle/2 {
		t.Errorf("closed after %v, well before the %v idle timeout", took, idle)
	}
}
