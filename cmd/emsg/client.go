package main

import (
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/emsg-project/emsg/reference/client"
	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/resolve"
)

// clientDirEnv names the variable that sets the default of --dir.
const clientDirEnv = "EMSG_CLIENT_DIR"

// newClientCommand is `emsg client`: the reference client library
// ([client.Client]) as commands a person trying EMSG out can type. Each
// subcommand opens the account directory, does one thing and closes it,
// except listen, which holds the directory until Ctrl-C.
func newClientCommand() *cobra.Command {
	var dir string
	cmd := &cobra.Command{
		Use:   "client",
		Short: "Try EMSG/1 out: register an account, add contacts, send and receive messages",
		Long: `client is the reference EMSG/1 client. Its account — private keys and local
store — lives in one directory (--dir, default $EMSG_CLIENT_DIR or ~/.emsg);
use one directory per account. Servers are found through the resolver table
in EMSG_RESOLVE or EMSG_RESOLVE_FILE, as 'emsg serve --domains' prints it.`,
		Example: `  eval "$(emsg serve --domains a.test | grep EMSG_RESOLVE)"   # in another terminal, then export it
  emsg client --dir /tmp/alice register alice#a.test
  emsg client --dir /tmp/bob register bob#a.test
  emsg client --dir /tmp/alice contacts add bob#a.test --note "hi, it's Alice"
  emsg client --dir /tmp/bob contacts accept alice#a.test
  emsg client --dir /tmp/bob listen &
  emsg client --dir /tmp/alice send bob#a.test hello`,
	}
	cmd.PersistentFlags().StringVar(&dir, "dir", defaultClientDir(), "the account's directory (keystore and local store)")
	open := func() (*client.Client, error) { return openClient(dir) }
	cmd.AddCommand(
		newClientRegisterCommand(open),
		newClientLoginCommand(open),
		newClientContactsCommand(open),
		newClientSendCommand(open),
		newClientListenCommand(open),
		newClientMessagesCommand(open),
		newClientExportCommand(open),
		newClientImportCommand(open),
		newClientMoveCommand(open),
		newClientDeleteCommand(open),
		newClientFavoriteCommand(open),
		newClientSessionCommand(open),
		newClientGroupsCommand(open),
	)
	return cmd
}

// opener opens the client of the --dir flag; the caller closes it.
type opener func() (*client.Client, error)

// defaultClientDir is $EMSG_CLIENT_DIR, or ~/.emsg.
func defaultClientDir() string {
	if d := os.Getenv(clientDirEnv); d != "" {
		return d
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return ".emsg"
	}
	return filepath.Join(home, ".emsg")
}

// openClient reads the resolver table from the environment and opens the
// client of dir.
func openClient(dir string) (*client.Client, error) {
	table, err := resolve.FromEnv(os.Getenv)
	if err != nil {
		return nil, usagef("the resolver table's syntax is in the spec, section 1; 'emsg serve --domains' prints one", "%v", err)
	}
	c, err := client.New(dir, table)
	if err != nil {
		return nil, clientFailure(err)
	}
	return c, nil
}

// openAccount opens the client and requires a registered account.
func openAccount(open opener) (*client.Client, error) {
	c, err := open()
	if err != nil {
		return nil, err
	}
	if c.Address().IsZero() {
		c.Close()
		return nil, clientFailure(client.ErrNoIdentity)
	}
	return c, nil
}

// parseAddress parses a command-line address; bad syntax is misuse.
func parseAddress(s string) (address.Address, error) {
	a, err := address.Parse(s)
	if err != nil {
		return address.Address{}, usagef("an address is local#domain, e.g. alice#a.test", "bad address %q: %v", s, err)
	}
	return a, nil
}
