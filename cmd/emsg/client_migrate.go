package main

import (
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	protoaccount "github.com/emsg-project/emsg/reference/protocol/account"
)

// newClientExportCommand is `emsg client export [FILE]`: the signed
// account export, to FILE or standard output.
func newClientExportCommand(open opener) *cobra.Command {
	return &cobra.Command{
		Use:   "export [FILE]",
		Short: "Write the account's signed export (contacts, groups, settings, favorites) to FILE or standard output",
		Example: `  emsg client --dir /tmp/alice export alice.json
  emsg client --dir /tmp/alice import alice.json --as alice#c.test
  emsg client --dir /tmp/alice move alice#c.test`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := openAccount(open)
			if err != nil {
				return err
			}
			defer c.Close()
			x, err := c.Export(cmd.Context())
			if err != nil {
				return clientFailure(err)
			}
			raw, err := x.Bytes()
			if err != nil {
				return failf("encode the export: %v", err)
			}
			if len(args) == 0 || args[0] == "-" {
				_, err = fmt.Fprintf(cmd.OutOrStdout(), "%s\n", raw)
				return err
			}
			if err := os.WriteFile(args[0], raw, 0o600); err != nil {
				return failf("write the export: %v", err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "exported %s to %s\n", c.Address(), args[0])
			return nil
		},
	}
}

// newClientImportCommand is `emsg client import FILE --as ADDRESS`:
// register ADDRESS with the account's keys and import the export there.
func newClientImportCommand(open opener) *cobra.Command {
	var as string
	cmd := &cobra.Command{
		Use:   "import FILE --as ADDRESS",
		Short: "Register ADDRESS with this account's keys and import the export FILE there",
		Long: `import takes an export made by 'emsg client export' to the server of ADDRESS:
it registers ADDRESS with the same keys and restores the contacts, settings and
favorites there. The directory stays the old account's until 'emsg client move'.`,
		Example: "  emsg client --dir /tmp/alice import alice.json --as alice#c.test",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			to, err := parseAddress(as)
			if err != nil {
				return err
			}
			x, err := readExport(cmd, args[0])
			if err != nil {
				return err
			}
			c, err := openAccount(open)
			if err != nil {
				return err
			}
			defer c.Close()
			if err := c.Import(cmd.Context(), to, x); err != nil {
				return clientFailure(err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "imported %s as %s; run 'emsg client move %s' to tell your contacts\n", x.Address, to, to)
			return nil
		},
	}
	cmd.Flags().StringVar(&as, "as", "", "the new address (required)")
	_ = cmd.MarkFlagRequired("as")
	return cmd
}

// readExport reads and parses an export file ("-": standard input).
func readExport(cmd *cobra.Command, path string) (*protoaccount.Export, error) {
	var raw []byte
	var err error
	if path == "-" {
		raw, err = io.ReadAll(cmd.InOrStdin())
	} else {
		raw, err = os.ReadFile(path)
	}
	if err != nil {
		return nil, failf("read the export: %v", err)
	}
	x, err := protoaccount.ParseExport(raw)
	if err != nil {
		return nil, usagef("make one with 'emsg client export'", "%s is not an account export: %v", path, err)
	}
	return x, nil
}

// newClientMoveCommand is `emsg client move ADDRESS`.
func newClientMoveCommand(open opener) *cobra.Command {
	return &cobra.Command{
		Use:   "move ADDRESS",
		Short: "Tell the old server and every contact that the account now lives at ADDRESS",
		Long: `move posts a move notice signed with the account's key to its current server,
which tells every contact and answers later deliveries with moved. ADDRESS must
hold the account already ('emsg client import'). The directory then is
ADDRESS's.`,
		Example: "  emsg client --dir /tmp/alice move alice#c.test",
		Args:    cobra.ExactArgs(1),
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
			from := c.Address()
			if err := c.Move(cmd.Context(), to); err != nil {
				return clientFailure(err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "moved %s to %s\n", from, to)
			return nil
		},
	}
}

// newClientDeleteCommand is `emsg client delete --yes`.
func newClientDeleteCommand(open opener) *cobra.Command {
	var yes bool
	cmd := &cobra.Command{
		Use:   "delete --yes",
		Short: "Delete the account on its server, for good",
		Long: `delete posts a delete notice signed with the account's key: the server purges
the account, tells every contact and keeps the address from being registered
again. There is no undo; --yes says you mean it. The directory is left as it is.`,
		Example: "  emsg client --dir /tmp/alice delete --yes",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !yes {
				return usagef("add --yes to delete the account", "deleting an account cannot be undone")
			}
			c, err := openAccount(open)
			if err != nil {
				return err
			}
			defer c.Close()
			if err := c.Delete(cmd.Context()); err != nil {
				return clientFailure(err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "deleted %s\n", c.Address())
			return nil
		},
	}
	cmd.Flags().BoolVar(&yes, "yes", false, "really delete the account")
	return cmd
}
