package cli

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"text/tabwriter"
	"time"
)

const adminBase = "/v1.0/myorg/admin"

type userJSON struct {
	Username    string    `json:"username"`
	DisplayName string    `json:"displayName"`
	Password    string    `json:"password,omitempty"`
	Disabled    bool      `json:"disabled,omitempty"`
	CreatedAt   time.Time `json:"createdAt,omitzero"`
}

type appJSON struct {
	ClientID        string    `json:"clientId,omitempty"`
	DisplayName     string    `json:"displayName"`
	ClientSecret    string    `json:"clientSecret,omitempty"`
	CreatedAt       time.Time `json:"createdAt,omitzero"`
	SecretRotatedAt time.Time `json:"secretRotatedAt,omitzero"`
}

// runUser manages users: add, list, remove.
func runUser(ctx context.Context, env Env, args []string) error {
	if len(args) == 0 {
		fmt.Fprintln(env.Stderr, "Usage: bindery user add|list|remove [flags]")
		return errUsage
	}
	sub, args := args[0], args[1:]
	fs := newFlagSet(env, "user "+sub, "")
	var rm remote
	rm.bind(fs, env)
	var display, pw *string
	switch sub {
	case "add":
		fs.Usage = func() {
			fmt.Fprintln(env.Stderr, "Usage: bindery user add USERNAME [--display-name NAME] [--password PW] (else the password is read from stdin)")
			fs.PrintDefaults()
		}
		display = fs.String("display-name", "", "the user's display `name`")
		pw = fs.String("password", "", "the `password` (avoid: visible in the process list; default: read a line from stdin)")
	case "list":
	case "remove":
	default:
		fmt.Fprintf(env.Stderr, "bindery user: unknown subcommand %q (add, list, remove)\n", sub)
		return errUsage
	}
	if err := parse(fs, args); err != nil {
		return err
	}
	c, err := rm.client()
	if err != nil {
		return err
	}
	switch sub {
	case "add":
		if fs.NArg() != 1 {
			fs.Usage()
			return errUsage
		}
		p := *pw
		if p == "" {
			line, err := bufio.NewReader(env.Stdin).ReadString('\n')
			if err != nil && line == "" {
				return fmt.Errorf("no password: pass --password or write it to stdin")
			}
			p = strings.TrimRight(line, "\r\n")
		}
		var out userJSON
		if err := c.Do(ctx, http.MethodPost, adminBase+"/users", userJSON{Username: fs.Arg(0), DisplayName: *display, Password: p}, &out); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "added user %q\n", out.Username)
	case "list":
		var out struct{ Value []userJSON }
		if err := c.Do(ctx, http.MethodGet, adminBase+"/users", nil, &out); err != nil {
			return err
		}
		tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "USERNAME\tDISPLAY NAME\tDISABLED\tCREATED")
		for _, u := range out.Value {
			fmt.Fprintf(tw, "%s\t%s\t%v\t%s\n", u.Username, u.DisplayName, u.Disabled, u.CreatedAt.Format(time.RFC3339))
		}
		return tw.Flush()
	case "remove":
		if fs.NArg() != 1 {
			fs.Usage()
			return errUsage
		}
		if err := c.Do(ctx, http.MethodDelete, adminBase+"/users/"+url.PathEscape(fs.Arg(0)), nil, nil); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "removed user %q\n", fs.Arg(0))
	}
	return nil
}

// runApp manages apps (service principals): add, list, rotate, remove.
func runApp(ctx context.Context, env Env, args []string) error {
	if len(args) == 0 {
		fmt.Fprintln(env.Stderr, "Usage: bindery app add|list|rotate|remove [flags]")
		return errUsage
	}
	sub, args := args[0], args[1:]
	switch sub {
	case "add", "list", "rotate", "remove":
	default:
		fmt.Fprintf(env.Stderr, "bindery app: unknown subcommand %q (add, list, rotate, remove)\n", sub)
		return errUsage
	}
	fs := newFlagSet(env, "app "+sub, "")
	var rm remote
	rm.bind(fs, env)
	if err := parse(fs, args); err != nil {
		return err
	}
	c, err := rm.client()
	if err != nil {
		return err
	}
	needOne := func(what string) error {
		if fs.NArg() != 1 {
			fmt.Fprintf(env.Stderr, "Usage: bindery app %s %s\n", sub, what)
			return errUsage
		}
		return nil
	}
	printSecret := func(a appJSON) {
		fmt.Fprintf(env.Stdout, "clientId:     %s\nclientSecret: %s\n", a.ClientID, a.ClientSecret)
		fmt.Fprintln(env.Stderr, "The secret is shown only now; store it safely.")
	}
	switch sub {
	case "add":
		if err := needOne("DISPLAY_NAME"); err != nil {
			return err
		}
		var out appJSON
		if err := c.Do(ctx, http.MethodPost, adminBase+"/apps", appJSON{DisplayName: fs.Arg(0)}, &out); err != nil {
			return err
		}
		printSecret(out)
	case "list":
		var out struct{ Value []appJSON }
		if err := c.Do(ctx, http.MethodGet, adminBase+"/apps", nil, &out); err != nil {
			return err
		}
		tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "CLIENT ID\tDISPLAY NAME\tCREATED\tSECRET ROTATED")
		for _, a := range out.Value {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", a.ClientID, a.DisplayName, a.CreatedAt.Format(time.RFC3339), a.SecretRotatedAt.Format(time.RFC3339))
		}
		return tw.Flush()
	case "rotate":
		if err := needOne("CLIENT_ID"); err != nil {
			return err
		}
		var out appJSON
		if err := c.Do(ctx, http.MethodPost, adminBase+"/apps/"+url.PathEscape(fs.Arg(0))+"/secret", nil, &out); err != nil {
			return err
		}
		printSecret(out)
	case "remove":
		if err := needOne("CLIENT_ID"); err != nil {
			return err
		}
		if err := c.Do(ctx, http.MethodDelete, adminBase+"/apps/"+url.PathEscape(fs.Arg(0)), nil, nil); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "removed app %s\n", fs.Arg(0))
	}
	return nil
}
