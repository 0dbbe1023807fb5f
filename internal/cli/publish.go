package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"

	"github.com/bindery-dev/bindery/internal/client"
)

// runPublish creates datasets and reports from definition files, so they can live in a git repository.
func runPublish(ctx context.Context, env Env, args []string) error {
	fs := newFlagSet(env, "publish", "--workspace WS [--dataset ID] FILE.json...")
	var rm remote
	rm.bind(fs, env)
	workspace := fs.String("workspace", "", "target workspace `id or name` (required)")
	dataset := fs.String("dataset", "", "for reports: the dataset `id or name` to publish against (overrides the file's datasetId)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *workspace == "" || fs.NArg() == 0 {
		fs.Usage()
		return errUsage
	}
	c, err := rm.client()
	if err != nil {
		return err
	}
	ws, err := c.ResolveWorkspace(ctx, *workspace)
	if err != nil {
		return err
	}
	for _, file := range fs.Args() {
		item, kind, err := publishFile(ctx, c, ws, *dataset, file)
		if err != nil {
			return fmt.Errorf("%s: %w", file, err)
		}
		fmt.Fprintf(env.Stdout, "%s %s %q: %s\n", item.verb, kind, item.Name, item.ID)
		if item.EmbedURL != "" {
			fmt.Fprintf(env.Stdout, "  embedUrl: %s\n", item.EmbedURL)
		}
	}
	return nil
}

type published struct {
	client.Item
	verb string // published (new) or updated (an item of that name existed)
}

// publishFile creates the item, or updates the workspace's item of the same name,
// so publishing the same files again is safe.
func publishFile(ctx context.Context, c *client.Client, ws, dataset, file string) (*published, string, error) {
	raw, err := os.ReadFile(file)
	if err != nil {
		return nil, "", err
	}
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(raw, &probe); err != nil {
		return nil, "", fmt.Errorf("not a JSON object: %w", err)
	}
	base := "/v1.0/myorg/groups/" + url.PathEscape(ws)
	var name string
	_ = json.Unmarshal(probe["name"], &name)
	item := published{verb: "published"}
	upsert := func(kind string) error {
		existing, err := c.List(ctx, base+"/"+kind)
		if err != nil {
			return err
		}
		for _, e := range existing {
			if e.Name == name {
				item.verb = "updated"
				return c.Do(ctx, http.MethodPut, base+"/"+kind+"/"+e.ID+"/definition", json.RawMessage(raw), &item.Item)
			}
		}
		return c.Do(ctx, http.MethodPost, base+"/"+kind, json.RawMessage(raw), &item.Item)
	}
	switch {
	case probe["pages"] != nil:
		if dataset != "" {
			id, err := resolveDatasetAnywhere(ctx, c, dataset)
			if err != nil {
				return nil, "", err
			}
			probe["datasetId"], _ = json.Marshal(id)
			raw, _ = json.Marshal(probe)
		}
		return &item, "report", upsert("reports")
	case probe["tables"] != nil:
		return &item, "dataset", upsert("datasets")
	}
	return nil, "", fmt.Errorf("neither a dataset (no \"tables\") nor a report (no \"pages\") definition")
}

// resolveDatasetAnywhere accepts a dataset id, or a name unique across workspaces.
func resolveDatasetAnywhere(ctx context.Context, c *client.Client, idOrName string) (string, error) {
	groups, err := c.List(ctx, "/v1.0/myorg/groups")
	if err != nil {
		return "", err
	}
	var found []string
	for _, g := range groups {
		ds, err := c.List(ctx, "/v1.0/myorg/groups/"+g.ID+"/datasets")
		if err != nil {
			return "", err
		}
		for _, d := range ds {
			if d.ID == idOrName {
				return d.ID, nil
			}
			if d.Name == idOrName {
				found = append(found, d.ID)
			}
		}
	}
	if len(found) == 1 {
		return found[0], nil
	}
	if len(found) == 0 {
		return "", fmt.Errorf("no dataset has the id or name %q", idOrName)
	}
	return "", fmt.Errorf("%d datasets are named %q; give the id", len(found), idOrName)
}
