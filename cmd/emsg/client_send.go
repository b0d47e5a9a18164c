package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/emsg-project/emsg/reference/client"
	"github.com/emsg-project/emsg/reference/protocol/address"
)

// newClientSendCommand is `emsg client send ADDRESS TEXT`.
func newClientSendCommand(open opener) *cobra.Command {
	return &cobra.Command{
		Use:   "send ADDRESS TEXT...",
		Short: "Send a text message to a contact",
		Long: `send seals TEXT (the arguments after ADDRESS, joined by spaces) to the
contact's keys and posts it. The contact must have accepted: when --dir
holds no keys for ADDRESS yet, send asks the server for the contacts first.`,
		Example: "  emsg client send bob#a.test hello, Bob",
		Args:    cobra.MinimumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			to, err := parseAddress(args[0])
			if err != nil {
				return err
			}
			c, err := openAccount(open)
			if err != nil {
				return err
			}
			defer c.Close()
			m, err := sendText(cmd.Context(), c, to, strings.Join(args[1:], " "))
			if err != nil {
				return clientFailure(err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "sent %s to %s\n", m.ID, to)
			return nil
		},
	}
}

// sendText sends text to to. Without keys for to, it syncs the contacts
// (their acceptance may have come while nothing was listening) and tries
// once more.
func sendText(ctx context.Context, c *client.Client, to address.Address, text string) (client.Message, error) {
	m, err := c.Send(ctx, to, text)
	if !errors.Is(err, client.ErrNoKeys) {
		return m, err
	}
	if _, syncErr := c.Contacts(ctx); syncErr != nil && !errors.Is(syncErr, client.ErrKeyChange) {
		return m, fmt.Errorf("%w (and the contacts could not be fetched: %v)", err, syncErr)
	}
	return c.Send(ctx, to, text)
}
