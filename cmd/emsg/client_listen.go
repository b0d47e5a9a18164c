package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/emsg-project/emsg/reference/client"
	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// timeLayout is how the client prints a message's time, in the local zone.
const timeLayout = "2006-01-02 15:04:05"

// newClientListenCommand is `emsg client listen`: a live tail of the
// account's messages until Ctrl-C.
func newClientListenCommand(open opener) *cobra.Command {
	return &cobra.Command{
		Use:   "listen",
		Short: "Print messages as they arrive, until Ctrl-C",
		Long: `listen receives the account's event stream and prints one line per message
on standard output ("2026-11-22 03:40:01 alice#a.test: hello"), and contact
requests, answers and warnings on standard error. It resumes after the last
event it processed, so nothing is shown twice. It holds --dir while it runs:
run other commands of the same account after stopping it.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			c, err := openAccount(open)
			if err != nil {
				return err
			}
			defer c.Close()
			err = c.Listen(ctx, listenHandler(c, cmd.OutOrStdout(), cmd.ErrOrStderr()))
			if err != nil && !errors.Is(err, context.Canceled) {
				return clientFailure(err)
			}
			return nil
		},
	}
}

// listenHandler prints messages to out and everything else to errOut.
func listenHandler(c *client.Client, out, errOut io.Writer) client.Handler {
	announced := false
	return client.Handler{
		Message: func(m client.Message) { fmt.Fprintln(out, messageLine(m)) },
		Notice:  func(n client.Notice) { fmt.Fprintln(errOut, noticeLine(n)) },
		Connected: func(uint64) {
			if !announced {
				announced = true
				fmt.Fprintf(errOut, "emsg: listening as %s (Ctrl-C to stop)\n", c.Address())
			}
		},
	}
}

// messageLine is a received message as listen prints it.
func messageLine(m client.Message) string {
	return fmt.Sprintf("%s %s: %s", formatMillis(m.TS), m.From, m.Display())
}

// formatMillis prints an EMSG time in the local zone.
func formatMillis(ms wire.Millis) string { return ms.Time().Local().Format(timeLayout) }

// noticeLine says in words what a notice is about, by the CLI rule:
// problems are warnings, the rest plain news.
func noticeLine(n client.Notice) string {
	switch n.Kind {
	case client.ContactRequested:
		line := fmt.Sprintf("emsg: %s asks to be a contact", n.Address)
		if n.Note != "" {
			line += fmt.Sprintf(" (note: %q)", n.Note)
		}
		return line + fmt.Sprintf("; accept with 'emsg client contacts accept %s'", n.Address)
	case client.ContactAccepted:
		return fmt.Sprintf("emsg: %s accepted; send with 'emsg client send %s TEXT'", n.Address, n.Address)
	case client.ContactDeclined:
		return fmt.Sprintf("emsg: %s declined the contact request", n.Address)
	case client.ContactRemoved:
		return fmt.Sprintf("emsg: %s is no longer a contact", n.Address)
	case client.KeyRotated:
		return fmt.Sprintf("emsg: %s has new keys, which chain from the old ones", n.Address)
	case client.Receipt:
		return fmt.Sprintf("emsg: message %s to %s: %s", n.ID, n.Address, n.Receipt)
	case client.ContactMoved:
		return fmt.Sprintf("emsg: %s moved to %s; send there from now on", n.Address, n.MovedTo)
	case client.ContactDeleted:
		return fmt.Sprintf("emsg: %s deleted the account", n.Address)
	case client.MessageExpired:
		return fmt.Sprintf("emsg: message %s from %s expired unread on the server", n.ID, n.Address)
	case client.SessionTicket:
		return fmt.Sprintf("emsg: session %s with %s; if %s started it, 'emsg client session %s' talks through its server", n.ID, n.Address, n.Address, n.Address)
	case client.GroupChanged, client.GroupRefused:
		return groupNoticeLine(n)
	}
	return fmt.Sprintf("emsg: warning: %s from %s%s: %v", n.Kind, n.Address, idSuffix(n.ID), n.Err)
}

// idSuffix names an envelope id in a warning, when there is one.
func idSuffix(id string) string {
	if id == "" {
		return ""
	}
	return " (message " + id + ")"
}

// newClientMessagesCommand is `emsg client messages`: the local store.
func newClientMessagesCommand(open opener) *cobra.Command {
	return &cobra.Command{
		Use:   "messages",
		Short: "List the messages kept in --dir, received and sent, oldest first",
		Long: `messages lists the messages kept locally until they expire, received and
sent, oldest first: "2026-11-22 03:40:01 alice#a.test -> bob#a.test: hello".
It does not ask the server: run 'emsg client listen' to receive.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := openAccount(open)
			if err != nil {
				return err
			}
			defer c.Close()
			list, err := c.Messages()
			if err != nil {
				return clientFailure(err)
			}
			sort.SliceStable(list, func(i, j int) bool { return list[i].TS < list[j].TS })
			for _, m := range list {
				fmt.Fprintf(cmd.OutOrStdout(), "%s %s -> %s: %s\n", formatMillis(m.TS), m.From, m.To, m.Display())
			}
			if len(list) == 0 {
				fmt.Fprintln(cmd.ErrOrStderr(), "emsg: no messages kept; 'emsg client listen' receives them")
			}
			return nil
		},
	}
}
