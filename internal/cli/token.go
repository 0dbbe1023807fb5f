package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"strings"
)

// multi is a repeatable string flag.
type multi []string

func (m *multi) String() string     { return strings.Join(*m, ",") }
func (m *multi) Set(v string) error { *m = append(*m, v); return nil }

// runToken mints an embed token with GenerateToken, or revokes one.
func runToken(ctx context.Context, env Env, args []string) error {
	fs := newFlagSet(env, "token", "--report ID --dataset ID [--dataset ID…] [--username U --role R] | --revoke TOKEN_ID")
	var rm remote
	rm.bind(fs, env)
	var reports, datasets, roles multi
	fs.Var(&reports, "report", "report `id` the token may load (repeatable)")
	fs.Var(&datasets, "dataset", "dataset `id` the token may query and bind (repeatable)")
	fs.Var(&roles, "role", "RLS `role` of the identity (repeatable)")
	username := fs.String("username", "", "RLS identity user name, applied to every dataset given")
	customData := fs.String("custom-data", "", "value of CUSTOMDATA() for the identity")
	lifetime := fs.Int("lifetime", 0, "lifetime in `minutes` (0: the server's default; can only shorten)")
	edit := fs.Bool("edit", false, "allow editing the reports")
	revoke := fs.String("revoke", "", "revoke the token with this `id` instead of minting one")
	if err := parse(fs, args); err != nil {
		return err
	}
	c, err := rm.client()
	if err != nil {
		return err
	}
	if *revoke != "" {
		var rec map[string]any
		if err := c.Do(ctx, http.MethodPost, "/v1.0/myorg/embedTokens/"+*revoke+"/Revoke", nil, &rec); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "revoked %s (it would have expired at %v)\n", *revoke, rec["expiration"])
		return nil
	}
	if len(reports) == 0 && len(datasets) == 0 {
		fs.Usage()
		return errUsage
	}
	req := map[string]any{}
	var rs, ds []map[string]any
	for _, r := range reports {
		rs = append(rs, map[string]any{"id": r, "allowEdit": *edit})
	}
	for _, d := range datasets {
		ds = append(ds, map[string]any{"id": d})
	}
	req["reports"], req["datasets"] = rs, ds
	if *username != "" {
		req["identities"] = []map[string]any{{"username": *username, "roles": []string(roles), "datasets": []string(datasets), "customData": *customData}}
	} else if len(roles) > 0 || *customData != "" {
		return fmt.Errorf("--role and --custom-data need --username: %w", flag.ErrHelp)
	}
	if *lifetime > 0 {
		req["lifetimeInMinutes"] = *lifetime
	}
	var out map[string]any
	if err := c.Do(ctx, http.MethodPost, "/v1.0/myorg/GenerateToken", req, &out); err != nil {
		return err
	}
	enc := json.NewEncoder(env.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
