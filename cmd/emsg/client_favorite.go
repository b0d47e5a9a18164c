package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/emsg-project/emsg/reference/client"
)

// newClientFavoriteCommand is `emsg client favorite add|list|remove`.
func newClientFavoriteCommand(open opener) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "favorite",
		Short: "Pin messages so that they never expire, list and unpin them",
		Example: `  emsg client --dir /tmp/bob messages
  emsg client --dir /tmp/bob favorite add 01HF7YAT00011WPRHPQ49SFGWC
  emsg client --dir /tmp/bob favorite list`,
	}
	cmd.AddCommand(
		&cobra.Command{
			Use:   "add MESSAGE-ID",
			Short: "Pin a message kept locally (see 'emsg client messages')",
			Args:  cobra.ExactArgs(1),
			RunE: func(cmd *cobra.Command, args []string) error {
				return withAccount(open, func(c *client.Client) error {
					m, err := findMessage(c, args[0])
					if err != nil {
						return err
					}
					f, err := c.Pin(cmd.Context(), m)
					if err != nil {
						return clientFailure(err)
					}
					fmt.Fprintf(cmd.OutOrStdout(), "pinned %s as favorite %s\n", m.ID, f.ID)
					return nil
				})
			},
		},
		&cobra.Command{
			Use:   "list",
			Short: "List the favorites",
			Args:  cobra.NoArgs,
			RunE: func(cmd *cobra.Command, _ []string) error {
				return withAccount(open, func(c *client.Client) error {
					favs, err := c.Favorites()
					if err != nil {
						return clientFailure(err)
					}
					for _, f := range favs {
						fmt.Fprintf(cmd.OutOrStdout(), "%s  %s  %s\n", f.ID, f.Message.From, f.Message.Display())
					}
					return nil
				})
			},
		},
		&cobra.Command{
			Use:   "remove FAVORITE-ID",
			Short: "Unpin a favorite",
			Args:  cobra.ExactArgs(1),
			RunE: func(cmd *cobra.Command, args []string) error {
				return withAccount(open, func(c *client.Client) error {
					if err := c.Unpin(cmd.Context(), args[0]); err != nil {
						return clientFailure(err)
					}
					fmt.Fprintf(cmd.OutOrStdout(), "unpinned %s\n", args[0])
					return nil
				})
			},
		},
	)
	return cmd
}

// findMessage returns the message kept locally with id.
func findMessage(c *client.Client, id string) (client.Message, error) {
	list, err := c.Messages()
	if err != nil {
		return client.Message{}, clientFailure(err)
	}
	for _, m := range list {
		if m.ID == id {
			return m, nil
		}
	}
	return client.Message{}, usagef("'emsg client messages' lists the messages kept", "no message %s is kept locally", id)
}
