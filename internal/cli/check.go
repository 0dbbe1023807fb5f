package cli

import (
	"context"
	"errors"
	"fmt"
	"net/http"
)

// runCheck reports whether a dataset satisfies a report; it exits 1 when it does not.
func runCheck(ctx context.Context, env Env, args []string) error {
	fs := newFlagSet(env, "check", "--workspace WS --report REPORT --dataset DATASET")
	var rm remote
	rm.bind(fs, env)
	workspace := fs.String("workspace", "", "the report's workspace `id or name` (required)")
	report := fs.String("report", "", "report `id or name` (required)")
	dataset := fs.String("dataset", "", "dataset `id or name`, in any workspace (required)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *workspace == "" || *report == "" || *dataset == "" {
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
	rep, err := c.ResolveIn(ctx, ws, "reports", *report)
	if err != nil {
		return err
	}
	ds, err := resolveDatasetAnywhere(ctx, c, *dataset)
	if err != nil {
		return err
	}
	var res struct {
		Compatible bool `json:"compatible"`
		Mismatches []struct {
			Code, Field, Message, Where string
		} `json:"mismatches"`
	}
	path := "/v1.0/myorg/groups/" + ws + "/reports/" + rep + "/CheckCompatibility"
	if err := c.Do(ctx, http.MethodPost, path, map[string]string{"datasetId": ds}, &res); err != nil {
		return err
	}
	if res.Compatible {
		fmt.Fprintf(env.Stdout, "compatible: dataset %s satisfies report %s\n", ds, rep)
		return nil
	}
	fmt.Fprintf(env.Stdout, "incompatible: dataset %s lacks what report %s needs:\n", ds, rep)
	for _, m := range res.Mismatches {
		fmt.Fprintf(env.Stdout, "  %-15s %-30s %s (used at %s)\n", m.Code, m.Field, m.Message, m.Where)
	}
	return errors.New("the dataset is not compatible with the report")
}
