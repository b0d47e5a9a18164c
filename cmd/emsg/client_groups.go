package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/emsg-project/emsg/reference/client"
	"github.com/emsg-project/emsg/reference/protocol/address"
)

// newClientGroupsCommand is `emsg client groups`: list the account's
// groups, with the subcommands that make and change them.
func newClientGroupsCommand(open opener) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "groups",
		Short: "List the account's groups, and create, join, change and write to them",
		Long: `groups lists the account's groups as its server knows them: address, name,
the account's role and the number of members. A group lives on its creator's
server; every change is a request the host answers on the event stream, so
run 'emsg client listen' to see the outcome ("joined", or a refusal).`,
		Example: `  emsg client --dir /tmp/alice groups create "Climbing team" --local team
  emsg client --dir /tmp/alice groups invite team#a.test bob#b.test
  emsg client --dir /tmp/bob groups join team#a.test
  emsg client --dir /tmp/bob groups send team#a.test "hello team"`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withAccount(open, func(c *client.Client) error {
				list, err := c.Groups(cmd.Context())
				if err != nil {
					return err
				}
				printGroups(cmd.OutOrStdout(), c.Address(), list)
				return nil
			})
		},
	}
	cmd.AddCommand(
		newGroupsCreateCommand(open),
		newGroupsShowCommand(open),
		groupRequestCommand(open, "invite GROUP ADDRESS", "Invite an account (owner or admin)", 2,
			func(ctx context.Context, c *client.Client, g address.Address, args []string) (string, error) {
				who, err := parseAddress(args[1])
				if err != nil {
					return "", err
				}
				return c.Invite(ctx, g, who)
			}),
		groupRequestCommand(open, "join GROUP", "Join a group the account was invited to", 1,
			func(ctx context.Context, c *client.Client, g address.Address, _ []string) (string, error) {
				return c.JoinGroup(ctx, g)
			}),
		groupRequestCommand(open, "leave GROUP", "Leave a group (the owner dissolves instead)", 1,
			func(ctx context.Context, c *client.Client, g address.Address, _ []string) (string, error) {
				return c.LeaveGroup(ctx, g)
			}),
		groupRequestCommand(open, "kick GROUP ADDRESS", "Remove a member (owner, or an admin removing a member)", 2,
			func(ctx context.Context, c *client.Client, g address.Address, args []string) (string, error) {
				who, err := parseAddress(args[1])
				if err != nil {
					return "", err
				}
				return c.Kick(ctx, g, who)
			}),
		groupRequestCommand(open, "role GROUP ADDRESS owner|admin|member", "Change a member's role (owner only; owner transfers ownership)", 3,
			func(ctx context.Context, c *client.Client, g address.Address, args []string) (string, error) {
				who, err := parseAddress(args[1])
				if err != nil {
					return "", err
				}
				switch args[2] {
				case "owner", "admin", "member":
				default:
					return "", usagef("a role is owner, admin or member", "bad role %q", args[2])
				}
				return c.SetRole(ctx, g, who, args[2])
			}),
		groupRequestCommand(open, "rename GROUP NAME", "Rename a group (owner or admin)", 2,
			func(ctx context.Context, c *client.Client, g address.Address, args []string) (string, error) {
				return c.RenameGroup(ctx, g, args[1])
			}),
		groupRequestCommand(open, "dissolve GROUP", "Dissolve a group (owner only)", 1,
			func(ctx context.Context, c *client.Client, g address.Address, _ []string) (string, error) {
				return c.DissolveGroup(ctx, g)
			}),
		newGroupsSendCommand(open),
	)
	return cmd
}

// withAccount opens the account, runs do and closes it; a failure of do
// is reported by the CLI rule.
func withAccount(open opener, do func(*client.Client) error) error {
	c, err := openAccount(open)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := do(c); err != nil {
		return clientFailure(err) // misuse (an exitError) passes unchanged
	}
	return nil
}

// newGroupsCreateCommand is `emsg client groups create NAME`.
func newGroupsCreateCommand(open opener) *cobra.Command {
	var local string
	cmd := &cobra.Command{
		Use:   "create NAME",
		Short: "Create a group on the account's server, with the account as its owner",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withAccount(open, func(c *client.Client) error {
				g, err := c.CreateGroup(cmd.Context(), args[0], local)
				if err != nil {
					return err
				}
				fmt.Fprintln(cmd.OutOrStdout(), g.Address)
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&local, "local", "", "the local part of the group's address (default: the server picks one)")
	return cmd
}

// newGroupsShowCommand is `emsg client groups show GROUP`.
func newGroupsShowCommand(open opener) *cobra.Command {
	return &cobra.Command{
		Use:   "show GROUP",
		Short: "Show a group's name, owner and members with their roles",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			g, err := parseAddress(args[0])
			if err != nil {
				return err
			}
			return withAccount(open, func(c *client.Client) error {
				info, err := c.GroupInfo(cmd.Context(), g)
				if err != nil {
					return err
				}
				w := cmd.OutOrStdout()
				fmt.Fprintf(w, "%s %q (seq %d)\n", info.Address, info.Name, info.Seq)
				for _, m := range info.Members {
					fmt.Fprintf(w, "  %s\t%s\n", m.Address, m.Role)
				}
				return nil
			})
		},
	}
}

// groupRequestCommand is one group-changing subcommand: it sends the
// request and prints its id; the outcome arrives on the stream.
func groupRequestCommand(open opener, use, short string, nargs int,
	send func(context.Context, *client.Client, address.Address, []string) (string, error)) *cobra.Command {
	return &cobra.Command{
		Use:   use,
		Short: short,
		Args:  cobra.ExactArgs(nargs),
		RunE: func(cmd *cobra.Command, args []string) error {
			g, err := parseAddress(args[0])
			if err != nil {
				return err
			}
			return withAccount(open, func(c *client.Client) error {
				id, err := send(cmd.Context(), c, g, args)
				if err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "%s\n", id)
				fmt.Fprintf(cmd.ErrOrStderr(), "emsg: request %s sent to %s; 'emsg client listen' shows the outcome\n", id, g.Domain)
				return nil
			})
		},
	}
}

// newGroupsSendCommand is `emsg client groups send GROUP TEXT`.
func newGroupsSendCommand(open opener) *cobra.Command {
	return &cobra.Command{
		Use:   "send GROUP TEXT...",
		Short: "Send a text message to every member of a group",
		Args:  cobra.MinimumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			g, err := parseAddress(args[0])
			if err != nil {
				return err
			}
			return withAccount(open, func(c *client.Client) error {
				m, err := c.SendGroup(cmd.Context(), g, strings.Join(args[1:], " "))
				if err != nil {
					return err
				}
				fmt.Fprintln(cmd.OutOrStdout(), m.ID)
				return nil
			})
		},
	}
}

// printGroups writes one line per group: address, name, the account's
// role, members.
func printGroups(out io.Writer, me address.Address, list []client.Group) {
	w := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	for _, g := range list {
		role := ""
		for _, m := range g.Members {
			if m.Address == me {
				role = m.Role
			}
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%d members\n", g.Address, g.Name, role, len(g.Members))
	}
	w.Flush()
}

// groupNoticeLine says in words what a group notice is about.
func groupNoticeLine(n client.Notice) string {
	if n.Kind == client.GroupRefused {
		return fmt.Sprintf("emsg: warning: %s refused %s request %s: %v", n.Address, n.Op, n.ID, n.Err)
	}
	e := n.Group
	line := fmt.Sprintf("emsg: %s #%d: %s %s", e.Group, e.Seq, e.Actor, e.Kind)
	switch {
	case !e.Target.IsZero() && e.Role != "":
		line += fmt.Sprintf(" %s as %s", e.Target, e.Role)
	case !e.Target.IsZero():
		line += " " + e.Target.String()
	case e.Name != "":
		line += fmt.Sprintf(" %q", e.Name)
	}
	return line
}
