// Package cli implements the bindery command: flags and environment to
// config, wiring, run, graceful shutdown; and the admin subcommands that talk
// to a running server over its API.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
)

// Env gives the command its surroundings, so tests can run it in-process.
type Env struct {
	Args   []string // without the program name
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Getenv func(string) string
}

// errUsage marks a usage error, already explained to the user.
var errUsage = errors.New("usage")

type command struct {
	name, summary string
	run           func(ctx context.Context, env Env, args []string) error
}

func commands() []command {
	return []command{
		{"serve", "run the Bindery server", runServe},
		{"publish", "publish dataset or report definitions from JSON files", runPublish},
		{"import", "load a CSV or Parquet file into a dataset table, with progress", runImport},
		{"check", "check whether a dataset satisfies a report", runCheck},
		{"token", "mint an embed token (GenerateToken) or revoke one", runToken},
		{"user", "manage users: add, list, remove", runUser},
		{"app", "manage apps (service principals): add, list, rotate, remove", runApp},
		{"version", "print the version", runVersion},
	}
}

// Version is set at build time with -ldflags "-X .../internal/cli.Version=...".
var Version = "dev"

// Run runs the command and returns the process exit code.
func Run(ctx context.Context, env Env) int {
	if len(env.Args) == 0 || env.Args[0] == "-h" || env.Args[0] == "--help" || env.Args[0] == "help" {
		usage(env.Stderr)
		if len(env.Args) == 0 {
			return 2
		}
		return 0
	}
	for _, c := range commands() {
		if c.name == env.Args[0] {
			err := c.run(ctx, env, env.Args[1:])
			switch {
			case err == nil:
				return 0
			case errors.Is(err, flag.ErrHelp):
				return 0
			case errors.Is(err, errUsage):
				return 2
			}
			fmt.Fprintf(env.Stderr, "bindery %s: %v\n", c.name, err)
			return 1
		}
	}
	fmt.Fprintf(env.Stderr, "bindery: unknown command %q\n\n", env.Args[0])
	usage(env.Stderr)
	return 2
}

func usage(w io.Writer) {
	var b strings.Builder
	b.WriteString("Bindery: embedded analytics with dynamic binding, self-hosted.\n\nUsage: bindery <command> [flags]\n\nCommands:\n")
	for _, c := range commands() {
		fmt.Fprintf(&b, "  %-9s %s\n", c.name, c.summary)
	}
	b.WriteString("\nRun 'bindery <command> -h' for a command's flags. Docs: docs/README.md\n")
	io.WriteString(w, b.String())
}

func newFlagSet(env Env, name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet("bindery "+name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	fs.Usage = func() {
		fmt.Fprintf(env.Stderr, "Usage: bindery %s %s\n\nFlags:\n", name, synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parse parses flags, mapping -h to flag.ErrHelp and bad flags to errUsage.
// Flags may come before or after positional arguments ("user add NAME --display-name X").
func parse(fs *flag.FlagSet, args []string) error {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return err
			}
			return errUsage
		}
		rest := fs.Args()
		if len(rest) == 0 {
			break
		}
		if len(args) > len(rest) && args[len(args)-len(rest)-1] == "--" {
			positional = append(positional, rest...) // everything after "--" is positional
			break
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
	return fs.Parse(append([]string{"--"}, positional...))
}

func runVersion(_ context.Context, env Env, _ []string) error {
	fmt.Fprintln(env.Stdout, "bindery", Version)
	return nil
}

func getenv(env Env) func(string) string {
	if env.Getenv != nil {
		return env.Getenv
	}
	return os.Getenv
}
