package cli

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// runImport uploads a CSV or Parquet file into a dataset table, showing progress on a terminal.
func runImport(ctx context.Context, env Env, args []string) error {
	fs := newFlagSet(env, "import", "--workspace WS --dataset DS --table TABLE [--mode replace|append] FILE")
	var rm remote
	rm.bind(fs, env)
	workspace := fs.String("workspace", "", "workspace `id or name` (required)")
	dataset := fs.String("dataset", "", "dataset `id or name` (required)")
	table := fs.String("table", "", "table `name` (required)")
	mode := fs.String("mode", "replace", "replace: swap in a new version atomically; append: add the rows")
	format := fs.String("format", "", "csv or parquet (default: from the file's extension)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *workspace == "" || *dataset == "" || *table == "" || fs.NArg() != 1 {
		fs.Usage()
		return errUsage
	}
	file := fs.Arg(0)
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	c, err := rm.client()
	if err != nil {
		return err
	}
	ws, err := c.ResolveWorkspace(ctx, *workspace)
	if err != nil {
		return err
	}
	ds, err := c.ResolveIn(ctx, ws, "datasets", *dataset)
	if err != nil {
		return err
	}
	q := url.Values{"mode": {*mode}, "fileName": {filepath.Base(file)}}
	if *format != "" {
		q.Set("format", strings.ToLower(*format))
	}
	path := "/v1.0/myorg/groups/" + ws + "/datasets/" + ds + "/tables/" + url.PathEscape(*table) + "/import?" + q.Encode()

	var body io.Reader = f
	if out, ok := env.Stderr.(*os.File); ok && term.IsTerminal(int(out.Fd())) {
		bar := progressbar.NewOptions64(st.Size(),
			progressbar.OptionSetWriter(out), progressbar.OptionShowBytes(true),
			progressbar.OptionSetDescription("uploading "+filepath.Base(file)), progressbar.OptionClearOnFinish())
		r := progressbar.NewReader(f, bar)
		body = &r
		defer bar.Finish()
	}
	var res struct {
		Rows int64  `json:"rows"`
		Mode string `json:"mode"`
	}
	if err := c.Upload(ctx, path, body, st.Size(), "application/octet-stream", &res); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "loaded %d rows into %s (%s)\n", res.Rows, *table, res.Mode)
	return nil
}
