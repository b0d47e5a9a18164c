package main

import (
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/emsg-project/emsg/reference/client"
)

// newClientRegisterCommand is `emsg client register ADDRESS`: make the
// account's keys in --dir and register them at the address's server.
func newClientRegisterCommand(open opener) *cobra.Command {
	return &cobra.Command{
		Use:     "register ADDRESS",
		Short:   "Make keys for ADDRESS in --dir and register the account at its server",
		Example: "  emsg client --dir /tmp/alice register alice#a.test",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			addr, err := parseAddress(args[0])
			if err != nil {
				return err
			}
			c, err := open()
			if err != nil {
				return err
			}
			defer c.Close()
			if err := c.Register(cmd.Context(), addr); err != nil {
				return clientFailure(err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "registered %s (private keys in %s)\n", addr, keystorePath(cmd))
			return nil
		},
	}
}

// newClientLoginCommand is `emsg client login`: prove the account's keys
// to its server, to learn early that they work.
func newClientLoginCommand(open opener) *cobra.Command {
	return &cobra.Command{
		Use:   "login",
		Short: "Log in to the account's server, to check that the keys in --dir work",
		Long: `login proves the account's key to its server. Every other command logs in by
itself; login only tells whether that works.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := openAccount(open)
			if err != nil {
				return err
			}
			defer c.Close()
			if err := c.Login(cmd.Context()); err != nil {
				return clientFailure(err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "logged in as %s\n", c.Address())
			return nil
		},
	}
}

// keystorePath is where the keystore of the command's --dir is.
func keystorePath(cmd *cobra.Command) string {
	return filepath.Join(cmd.Flag("dir").Value.String(), client.KeystoreFile)
}
