// Package catalog carries out Bindery's management operations on capacities,
// workspaces, datasets and reports. It validates input against the model,
// keeps the metadata store and the dataset engine in step, and returns
// *errs.Error values the API maps to responses. The HTTP layer, the CLI's
// in-process paths and the demo seeder all go through it.
package catalog

import (
	"context"
	"log/slog"
	"time"

	"github.com/bindery-dev/bindery/internal/authz"
	"github.com/bindery-dev/bindery/internal/engine"
	"github.com/bindery-dev/bindery/internal/model"
	"github.com/bindery-dev/bindery/internal/store"
)

// DataEngine holds datasets' data. internal/engine's Manager implements it.
type DataEngine interface {
	Create(ctx context.Context, datasetID string, def *model.DatasetDefinition) error
	Drop(ctx context.Context, datasetID string) error
	AppendRows(ctx context.Context, datasetID string, def *model.DatasetDefinition, table string, rows []map[string]any) (int, error)
	DeleteRows(ctx context.Context, datasetID string, def *model.DatasetDefinition, table string) error
	Import(ctx context.Context, datasetID string, def *model.DatasetDefinition, table, src string, opts engine.ImportOptions) (engine.ImportResult, error)
	RowCounts(ctx context.Context, datasetID string, def *model.DatasetDefinition) (map[string]int64, error)
}

// Options configures a Service.
type Options struct {
	Store  store.Store
	Engine DataEngine
	Authz  *authz.Authorizer // required: every operation is authorized for the context's principal
	Logger *slog.Logger      // nil discards
	Now    func() time.Time  // nil means time.Now
}

// Service is safe for concurrent use.
type Service struct {
	store  store.Store
	engine DataEngine
	authz  *authz.Authorizer
	log    *slog.Logger
	now    func() time.Time
}

// New returns a Service.
func New(o Options) *Service {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Service{store: o.Store, engine: o.Engine, authz: o.Authz, log: o.Logger, now: o.Now}
}

// Store exposes the metadata store for read paths that need no rules.
func (s *Service) Store() store.Store { return s.store }

// Authz exposes the authorizer, for handlers that decide with it directly.
func (s *Service) Authz() *authz.Authorizer { return s.authz }
