package main

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/emsg-project/emsg/reference/client"
)

// newClientContactsCommand is `emsg client contacts`: list the contacts,
// with the subcommands that make them.
func newClientContactsCommand(open opener) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "contacts",
		Short: "List the account's contacts, as its server knows them",
		Long: `contacts asks the server for the account's contacts, records their states and
keys in --dir and lists them: address, state, and the note of a request
received. A contact whose offered keys were refused is marked WARNING.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := openAccount(open)
			if err != nil {
				return err
			}
			defer c.Close()
			list, err := c.Contacts(cmd.Context())
			if list == nil && err != nil {
				return clientFailure(err)
			}
			printContacts(cmd.OutOrStdout(), cmd.ErrOrStderr(), list)
			if err != nil {
				return clientFailure(err) // key changes refused, listed above
			}
			return nil
		},
	}
	cmd.AddCommand(newClientContactsAddCommand(open), newClientContactsAcceptCommand(open))
	return cmd
}

// printContacts writes one line per contact, in columns.
func printContacts(out, errOut io.Writer, list []client.Contact) {
	if len(list) == 0 {
		fmt.Fprintln(errOut, "emsg: no contacts yet; ask for one with 'emsg client contacts add ADDRESS'")
		return
	}
	w := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	for _, ct := range list {
		if remark := contactRemark(ct); remark != "" {
			fmt.Fprintf(w, "%s\t%s\t%s\n", ct.Address, ct.State, remark)
		} else {
			fmt.Fprintf(w, "%s\t%s\n", ct.Address, ct.State)
		}
	}
	w.Flush()
}

// contactRemark is what a person should know about ct beyond its state.
func contactRemark(ct client.Contact) string {
	var parts []string
	if ct.Warning != nil {
		parts = append(parts, "WARNING: keys refused: "+ct.Warning.Reason)
	}
	if ct.State == client.PendingIn {
		parts = append(parts, fmt.Sprintf("accept with 'emsg client contacts accept %s'", ct.Address))
	}
	if ct.Note != "" {
		parts = append(parts, fmt.Sprintf("note: %q", ct.Note))
	}
	return strings.Join(parts, "; ")
}

// newClientContactsAddCommand is `emsg client contacts add ADDRESS`.
func newClientContactsAddCommand(open opener) *cobra.Command {
	var note string
	cmd := &cobra.Command{
		Use:     "add ADDRESS",
		Short:   "Ask ADDRESS to become a contact",
		Example: `  emsg client contacts add bob#a.test --note "hi, it's Alice from work"`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			peer, err := parseAddress(args[0])
			if err != nil {
				return err
			}
			c, err := openAccount(open)
			if err != nil {
				return err
			}
			defer c.Close()
			if err := c.RequestContact(cmd.Context(), peer, note); err != nil {
				return clientFailure(err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "asked %s to be a contact\n", peer)
			fmt.Fprintf(cmd.ErrOrStderr(), "emsg: they accept with 'emsg client contacts accept %s'\n", c.Address())
			return nil
		},
	}
	cmd.Flags().StringVar(&note, "note", "", "a short note that comes with the request")
	return cmd
}

// newClientContactsAcceptCommand is `emsg client contacts accept ADDRESS`.
func newClientContactsAcceptCommand(open opener) *cobra.Command {
	return &cobra.Command{
		Use:   "accept ADDRESS",
		Short: "Accept the contact request of ADDRESS",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			peer, err := parseAddress(args[0])
			if err != nil {
				return err
			}
			c, err := openAccount(open)
			if err != nil {
				return err
			}
			defer c.Close()
			err = c.Accept(cmd.Context(), peer)
			if err != nil && !errors.Is(err, client.ErrKeyChange) {
				return clientFailure(err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "accepted %s\n", peer)
			if err != nil {
				return clientFailure(err) // accepted, but the keys offered were refused
			}
			return nil
		},
	}
}
