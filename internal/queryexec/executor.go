// Package queryexec runs visual queries: it compiles them (package query),
// answers repeated ones from a result cache, admits the others through their
// capacity (package capacity) and runs them on the dataset's engine under the
// capacity's timeout, row cap and memory bound.
package queryexec

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"time"

	duckdb "github.com/duckdb/duckdb-go/v2"

	"github.com/bindery-dev/bindery/internal/capacity"
	"github.com/bindery-dev/bindery/internal/errs"
	"github.com/bindery-dev/bindery/internal/model"
	"github.com/bindery-dev/bindery/internal/query"
)

// DefaultCacheBytes bounds the result cache when Options.CacheBytes is 0.
const DefaultCacheBytes = 64 << 20

// Engine runs SQL against a dataset's current data. *engine.Manager
// implements it. fn must not keep db after returning; Read must pass ctx's
// cancellation on to the running statement.
type Engine interface {
	Read(ctx context.Context, datasetID string, fn func(ctx context.Context, db *sql.DB) error) error
}

// MemoryLimiter is implemented by engines that bound each dataset's memory
// (*engine.Manager); the executor applies the capacity's MaxDatasetMemoryMB.
type MemoryLimiter interface {
	SetMemoryLimit(datasetID string, mb int) error
}

// Options configure an Executor. Zero values take the defaults.
type Options struct {
	// Engine holds Import and Push datasets. Required.
	Engine Engine
	// Governor admits queries per capacity; nil makes one with default
	// options and no metrics.
	Governor *capacity.Governor
	// CacheBytes bounds the result cache (default DefaultCacheBytes); a
	// negative value turns the cache off (identical concurrent queries still
	// run once).
	CacheBytes int64
	// Logger receives failed queries; nil discards.
	Logger *slog.Logger
	// Now is the clock of relative date filters; nil means time.Now.
	Now func() time.Time
}

// Executor runs visual queries. It is safe for concurrent use.
type Executor struct {
	opts    Options
	gov     *capacity.Governor
	cache   *cache // nil when off
	flights flights
	log     *slog.Logger
}

// New returns an Executor.
func New(opts Options) (*Executor, error) {
	if opts.Engine == nil {
		return nil, errors.New("queryexec: Options.Engine is required")
	}
	e := &Executor{opts: opts, gov: opts.Governor, log: opts.Logger}
	if e.gov == nil {
		g, err := capacity.New(capacity.Options{})
		if err != nil {
			return nil, err
		}
		e.gov = g
	}
	if e.log == nil {
		e.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	switch {
	case opts.CacheBytes == 0:
		e.cache = newCache(DefaultCacheBytes)
	case opts.CacheBytes > 0:
		e.cache = newCache(opts.CacheBytes)
	}
	return e, nil
}

// Request is one visual query on a dataset.
type Request struct {
	Dataset *model.Dataset
	// Capacity is the capacity of the dataset's workspace; nil when it has
	// none (the Governor's default limits apply).
	Capacity *model.Capacity
	Query    *query.VisualQuery
	// Identity is the effective identity; required when the dataset has RLS roles.
	Identity *query.Identity
}

// Result is a query's answer. A Result may be shared with other requests
// through the cache: treat it, and Rows above all, as read-only.
type Result struct {
	Columns []query.OutputColumn `json:"columns"`
	// Rows hold nil, bool, int64, float64 or string values; dates are
	// "YYYY-MM-DD" and date-times RFC 3339 in UTC.
	Rows [][]any `json:"rows"`
	// Truncated reports that the capacity's row cap cut the result.
	Truncated bool `json:"truncated"`
	// CacheHit reports that the query did not run for this request: the
	// answer came from the cache or from an identical query running meanwhile.
	CacheHit bool          `json:"cacheHit"`
	Elapsed  time.Duration `json:"-"`
}

// Explanation is what Explain shows: the SQL that would run, its arguments,
// and the identity and limits applied.
type Explanation struct {
	Dialect  string               `json:"dialect"`
	SQL      string               `json:"sql"`
	Args     []any                `json:"args"`
	Columns  []query.OutputColumn `json:"columns"`
	Identity *query.Identity      `json:"identity,omitempty"`
	// Capacity is the capacity id, "" when the dataset is on none.
	Capacity string               `json:"capacity,omitempty"`
	Limits   model.CapacityLimits `json:"limits"`
}

func (e *Executor) compile(req Request, limits model.CapacityLimits) (*query.Compiled, error) {
	if req.Dataset == nil {
		return nil, errs.Invalid("datasetId", "a dataset is required")
	}
	if req.Query == nil {
		return nil, errs.Invalid("query", "a query is required")
	}
	if req.Dataset.StorageMode == model.StorageDirectQuery {
		return nil, errs.New(errs.KindInvalid, "DirectQueryNotSupported",
			"dataset %q uses DirectQuery, which cannot run queries yet", req.Dataset.Name)
	}
	return query.Compile(&req.Dataset.Definition, req.Query, query.CompileOptions{
		Identity: req.Identity, MaxRows: limits.MaxResultRows, Now: e.opts.Now,
	})
}

// Explain compiles the request as Run would, without running it.
func (e *Executor) Explain(req Request) (*Explanation, error) {
	limits := e.gov.Limits(req.Capacity)
	c, err := e.compile(req, limits)
	if err != nil {
		return nil, err
	}
	ex := &Explanation{Dialect: c.Dialect, SQL: c.SQL, Args: c.Args, Columns: c.Columns, Identity: req.Identity, Limits: limits}
	if ex.Args == nil {
		ex.Args = []any{}
	}
	if req.Capacity != nil {
		ex.Capacity = req.Capacity.ID
	}
	return ex, nil
}

// Run answers a visual query. Errors are *errs.Error values: compile errors
// as the compiler returns them; KindForbidden "CapacityNotActive";
// KindUnavailable "CapacityBusy" (capacity.RetryAfter gives the hint);
// KindTimeout "QueryTimeout"; KindTooLarge "QueryMemoryExceeded". When ctx
// ends first, its error is returned. A result over the row cap is not an
// error: it is cut and marked Truncated.
func (e *Executor) Run(ctx context.Context, req Request) (*Result, error) {
	start := time.Now()
	res, err := e.run(ctx, req, start)
	outcome := capacity.OutcomeSuccess
	if err != nil {
		outcome = outcomeOf(ctx, err)
		if outcome == capacity.OutcomeError && errs.KindOf(err) == errs.KindInternal {
			e.log.Error("query failed", "dataset", datasetID(req), "err", err)
		}
	}
	e.gov.Record(req.Capacity, outcome)
	return res, err
}

func (e *Executor) run(ctx context.Context, req Request, start time.Time) (*Result, error) {
	if err := e.gov.CheckActive(req.Capacity); err != nil {
		return nil, err
	}
	limits := e.gov.Limits(req.Capacity)
	c, err := e.compile(req, limits)
	if err != nil {
		return nil, err
	}
	ds := req.Dataset
	key := ds.ID + "\x00" + strconv.FormatInt(ds.DataVersion, 10) + "\x00" + c.Key()
	if e.cache != nil && e.cache.observe(ds.ID, ds.DataVersion) {
		if res, ok := e.cache.get(key); ok {
			e.gov.CacheHit(req.Capacity)
			return answer(res, true, start), nil
		}
	}
	res, shared, err := e.flights.do(ctx, key, func(fctx context.Context) (*Result, error) {
		res, err := e.execute(fctx, req, c)
		if err == nil && e.cache != nil {
			e.cache.put(ds.ID, ds.DataVersion, key, res)
		}
		return res, err
	})
	if err != nil {
		return nil, err
	}
	if shared {
		e.gov.CacheHit(req.Capacity)
	}
	return answer(res, shared, start), nil
}

func answer(res *Result, hit bool, start time.Time) *Result {
	r := *res
	r.CacheHit = hit
	r.Elapsed = time.Since(start)
	return &r
}

// execute admits the query and runs it on the engine.
func (e *Executor) execute(ctx context.Context, req Request, c *query.Compiled) (*Result, error) {
	slot, err := e.gov.Admit(ctx, req.Capacity)
	if err != nil {
		return nil, err
	}
	defer slot.Release()
	limits := slot.Limits()
	id := req.Dataset.ID
	if ml, ok := e.opts.Engine.(MemoryLimiter); ok {
		if err := ml.SetMemoryLimit(id, limits.MaxDatasetMemoryMB); err != nil {
			return nil, fmt.Errorf("queryexec: %w", err)
		}
	}
	timeout := time.Duration(limits.QueryTimeoutSeconds) * time.Second
	qctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	began := time.Now()
	res := &Result{Columns: c.Columns}
	err = e.opts.Engine.Read(qctx, id, func(ctx context.Context, db *sql.DB) error {
		rows, err := db.QueryContext(ctx, c.SQL, c.Args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		res.Rows, err = scanRows(rows, c.Columns, c.MaxRows+min(c.MaxRows, 1))
		return err
	})
	e.gov.Observe(req.Capacity, time.Since(began))
	if err != nil {
		switch {
		case ctx.Err() != nil: // the requests went away
			return nil, ctx.Err()
		case qctx.Err() != nil:
			return nil, errs.New(errs.KindTimeout, "QueryTimeout",
				"the query ran longer than the capacity's limit of %s", timeout).Wrap(err)
		}
		var de *duckdb.Error
		if errors.As(err, &de) && de.Type == duckdb.ErrorTypeOutOfMemory {
			return nil, errs.New(errs.KindTooLarge, "QueryMemoryExceeded",
				"the query needs more memory than the capacity allows a dataset (%d MB)", limits.MaxDatasetMemoryMB).Wrap(err)
		}
		if _, ok := errs.As(err); ok {
			return nil, err // e.g. the dataset was not found
		}
		return nil, fmt.Errorf("queryexec: run query on dataset %s: %w", id, err)
	}
	if c.MaxRows > 0 && len(res.Rows) > c.MaxRows {
		res.Rows, res.Truncated = res.Rows[:c.MaxRows], true
	}
	return res, nil
}

// outcomeOf classifies a failed Run for the metrics.
func outcomeOf(ctx context.Context, err error) capacity.Outcome {
	if e, ok := errs.As(err); ok {
		switch e.Code {
		case "QueryTimeout":
			return capacity.OutcomeTimeout
		case "CapacityBusy", "CapacityNotActive":
			return capacity.OutcomeRejected
		}
	}
	if ctx.Err() != nil || errors.Is(err, context.Canceled) {
		return capacity.OutcomeCanceled
	}
	return capacity.OutcomeError
}

func datasetID(req Request) string {
	if req.Dataset == nil {
		return ""
	}
	return req.Dataset.ID
}
