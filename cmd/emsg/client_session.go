package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/emsg-project/emsg/reference/client"
	"github.com/emsg-project/emsg/reference/protocol/address"
)

// newClientSessionCommand is `emsg client session ADDRESS`: talk to the
// initiator of a session through its server directly.
func newClientSessionCommand(open opener) *cobra.Command {
	var end bool
	cmd := &cobra.Command{
		Use:   "session ADDRESS",
		Short: "Talk to ADDRESS over the session socket at its server (the peer's side)",
		Long: `When ADDRESS sends you a message, its server opens a session and you receive
a ticket ('emsg client listen' prints it). session then connects to that
server directly, so one server carries the conversation: each line you type
on standard input is sent to ADDRESS on the session socket, and its messages
are printed as they arrive, with your event stream's too. EOF or Ctrl-C ends
the session; later messages travel by federation again. If the socket drops,
your lines fall back to ordinary delivery.

With --end, ask your server to end a session you started with ADDRESS.`,
		Example: `  emsg client --dir /tmp/bob session alice#a.test
  emsg client --dir /tmp/alice session --end bob#b.test`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			other, err := parseAddress(args[0])
			if err != nil {
				return err
			}
			c, err := openAccount(open)
			if err != nil {
				return err
			}
			defer c.Close()
			if end {
				return endSession(cmd, c, other)
			}
			return runSession(cmd, c, other)
		},
	}
	cmd.Flags().BoolVar(&end, "end", false, "end the session you started with ADDRESS")
	return cmd
}

// endSession ends the session of the ticket held for other.
func endSession(cmd *cobra.Command, c *client.Client, other address.Address) error {
	t, err := c.SessionTicket(other)
	if err != nil {
		return clientFailure(err)
	}
	if err := c.EndSession(cmd.Context(), t.ID); err != nil {
		return clientFailure(err)
	}
	fmt.Fprintf(cmd.ErrOrStderr(), "emsg: session %s with %s ended\n", t.ID, other)
	return nil
}

// runSession opens the socket, listens on the event stream alongside and
// sends each input line until EOF or Ctrl-C.
func runSession(cmd *cobra.Command, c *client.Client, other address.Address) error {
	ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	out, errOut := cmd.OutOrStdout(), cmd.ErrOrStderr()
	h := listenHandler(c, out, errOut)
	s, err := c.OpenSession(ctx, other, client.Handler{Message: h.Message, Notice: h.Notice})
	if err != nil {
		return clientFailure(err)
	}
	defer s.Close()
	fmt.Fprintf(errOut, "emsg: session %s with %s open; type lines to send, EOF or Ctrl-C ends it\n", s.ID(), other)
	go func() { _ = c.Listen(ctx, client.Handler{Message: h.Message, Notice: h.Notice}) }()
	lines := readLines(cmd.InOrStdin())
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-s.Done():
			fmt.Fprintf(errOut, "emsg: the session socket closed (%v); messages travel by federation\n", s.Err())
			return nil
		case line, ok := <-lines:
			if !ok {
				return nil
			}
			if _, err := s.Send(ctx, line); err != nil && !errors.Is(err, context.Canceled) {
				return clientFailure(err)
			}
		}
	}
}

// readLines delivers the lines of r until EOF.
func readLines(r io.Reader) <-chan string {
	ch := make(chan string)
	go func() {
		defer close(ch)
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			if sc.Text() != "" {
				ch <- sc.Text()
			}
		}
	}()
	return ch
}
