package cli

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"os/signal"
	"syscall"

	"github.com/bindery-dev/bindery/internal/config"
	"github.com/bindery-dev/bindery/internal/demo"
	"github.com/bindery-dev/bindery/internal/server"
)

func runServe(ctx context.Context, env Env, args []string) error {
	fs := newFlagSet(env, "serve", "[flags]")
	_, binder := config.Bind(fs, getenv(env))
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(env.Stderr, "bindery serve: unexpected argument %q\n", fs.Arg(0))
		return errUsage
	}
	cfg, err := binder.Finish()
	if err != nil {
		return fmt.Errorf("invalid settings:\n%w", err)
	}
	log := newLogger(env, cfg)
	if cfg.Demo {
		cfg.Auth.AdminUsers = append(cfg.Auth.AdminUsers, demo.AdminUser)
	}
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	srv, err := server.New(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer srv.Close()
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	if cfg.Demo {
		_, err := demo.Seed(ctx, srv.Catalog, demo.Options{DataDir: cfg.DataDir, PublicURL: cfg.PublicURL, AdminKey: srv.AdminKey, Logger: log,
			Principals: srv.Principals, TokenURL: srv.Issuer.TokenURL()})
		if err != nil {
			ln.Close()
			return fmt.Errorf("demo: %w", err)
		}
		u := cfg.PublicURL
		fmt.Fprintf(env.Stderr, "\nBindery demo is ready at %s\n"+
			"  embed for your customers:    %s/samples/customers/   (retailer passwords: %s/samples.json)\n"+
			"  embed for your organization: %s/samples/organization/ (users and passwords: %s/demo.json)\n"+
			"  portal:                      %s/portal/                (sign in as %s)\n"+
			"  REST API:                    %s/openapi.json          (admin key: %s/admin.key)\n\n",
			u, u, cfg.DataDir, u, cfg.DataDir, u, demo.AdminUser, u, cfg.DataDir)
	}
	return srv.Serve(ctx, ln)
}

func newLogger(env Env, cfg *config.Config) *slog.Logger {
	var lvl slog.Level
	_ = lvl.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: lvl}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(env.Stderr, opts))
	}
	return slog.New(slog.NewTextHandler(env.Stderr, opts))
}
