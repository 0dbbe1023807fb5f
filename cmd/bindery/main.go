// Command bindery is the Bindery server and its admin tool. See `bindery help`.
package main

import (
	"context"
	"os"

	"github.com/bindery-dev/bindery/internal/cli"
)

func main() {
	os.Exit(cli.Run(context.Background(), cli.Env{
		Args: os.Args[1:], Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv,
	}))
}
