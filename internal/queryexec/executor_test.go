package queryexec

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bindery-dev/bindery/internal/capacity"
	"github.com/bindery-dev/bindery/internal/errs"
	"github.com/bindery-dev/bindery/internal/model"
	"github.com/bindery-dev/bindery/internal/query"
)

const byStore = `{"groupBy": ["Store[Name]"], "values": ["[Total]", {"field": "Sales[Qty]", "aggregation": "Sum"}]}`

func wantCode(t *testing.T, err error, kind errs.Kind, code string) *errs.Error {
	t.Helper()
	e, ok := errs.As(err)
	if !ok || e.Kind != kind || e.Code != code {
		t.Fatalf("got %v, want kind %d code %s", err, kind, code)
	}
	return e
}

func TestRunValuesAreJSONFriendly(t *testing.T) {
	k := newKit(t, capacity.Options{}, 0)
	ds := k.dataset("shop", shopModel())
	res := k.run(Request{Dataset: ds, Query: mustParse(t, `{
		"groupBy": ["Sales[Day]", "Sales[At]", "Store[Name]"],
		"values": [{"field": "Sales[Amount]", "aggregation": "Sum"}, {"field": "Sales[Price]", "aggregation": "Max"},
		           {"field": "Sales[Qty]", "aggregation": "Sum"}, "[Per Unit]"]}`)})
	want := "[[2024-01-05 2024-01-05T10:30:00Z North 10.25 10.25 1 10.25] " +
		"[2024-02-07 2024-02-07T11:00:00Z North 4.75 1.5 3 1.5833333333333333] " +
		"[2024-02-09 2024-02-09T10:00:00Z South 100 25 4 25] " +
		"[2024-03-01 2024-03-01T00:00:00Z West 1 1 0 <nil>]]"
	if got := rowsText(res.Rows); got != want {
		t.Fatalf("rows\n got %s\nwant %s", got, want)
	}
	for i, want := range []any{"", "", "", 0.0, 0.0, int64(0)} {
		if got := res.Rows[0][i]; typeName(got) != typeName(want) {
			t.Errorf("column %d: %T, want %T", i, got, want)
		}
	}
	if res.CacheHit || res.Truncated || len(res.Columns) != 7 || res.Columns[6].Name != "Per Unit" {
		t.Fatalf("result %+v", res)
	}
}

func typeName(v any) string {
	switch v.(type) {
	case string:
		return "string"
	case float64:
		return "float64"
	case int64:
		return "int64"
	}
	return "other"
}

func TestIdentitiesNeverShareCachedResults(t *testing.T) {
	k := newKit(t, capacity.Options{}, 0)
	ds := k.dataset("rls", withRLS(shopModel()))
	q := mustParse(t, byStore)
	runAs := func(user string) *Result {
		return k.run(Request{Dataset: ds, Query: q, Identity: &query.Identity{Username: user, Roles: []string{"Managers"}}})
	}
	alice, bob := runAs("alice"), runAs("bob")
	if alice.CacheHit || bob.CacheHit {
		t.Fatal("first runs must not be cache hits")
	}
	if got := rowsText(alice.Rows); got != "[[North 15 4]]" {
		t.Fatalf("alice %s", got)
	}
	if got := rowsText(bob.Rows); got != "[[South 100 4] [West 1 0]]" {
		t.Fatalf("bob %s", got)
	}
	for i := 0; i < 2; i++ {
		a, b := runAs("alice"), runAs("bob")
		if !a.CacheHit || !b.CacheHit {
			t.Fatalf("repeat %d: hits %v %v", i, a.CacheHit, b.CacheHit)
		}
		if rowsText(a.Rows) != rowsText(alice.Rows) || rowsText(b.Rows) != rowsText(bob.Rows) {
			t.Fatalf("repeat %d: alice %v bob %v", i, a.Rows, b.Rows)
		}
	}
	if n, _ := k.ex.cache.stats(); n != 2 {
		t.Fatalf("cache entries %d, want one per identity", n)
	}
	// No identity on an RLS dataset is refused, never answered from the cache.
	_, err := k.ex.Run(context.Background(), Request{Dataset: ds, Query: q})
	wantCode(t, err, errs.KindForbidden, "EffectiveIdentityRequired")
	if hits := k.counter("bindery_capacity_cache_hits_total", nil); hits != 4 {
		t.Fatalf("cache hits metric %v", hits)
	}
}

func TestNewDataVersionMissesAndDropsOldEntries(t *testing.T) {
	k := newKit(t, capacity.Options{}, 0)
	ds := k.dataset("shop", shopModel())
	q := mustParse(t, `{"values": ["[Total]"]}`)
	if got := rowsText(k.run(Request{Dataset: ds, Query: q}).Rows); got != "[[116]]" {
		t.Fatal(got)
	}
	if !k.run(Request{Dataset: ds, Query: q}).CacheHit {
		t.Fatal("repeat should hit")
	}
	def := ds.Definition
	k.append(ds.ID, &def, "Sales", []map[string]any{{"StoreId": 1, "Amount": 4}})
	stale := k.run(Request{Dataset: ds, Query: q}) // the caller has not seen the change yet
	if !stale.CacheHit {
		t.Fatal("same data version should hit")
	}
	ds2 := *ds
	ds2.DataVersion = 2
	res := k.run(Request{Dataset: &ds2, Query: q})
	if res.CacheHit || rowsText(res.Rows) != "[[120]]" {
		t.Fatalf("after the data changed: %+v", res)
	}
	if n, _ := k.ex.cache.stats(); n != 1 {
		t.Fatalf("entries %d: the old version's entry should be gone", n)
	}
	// A request still carrying the old version neither hits nor caches.
	if res := k.run(Request{Dataset: ds, Query: q}); res.CacheHit {
		t.Fatal("old version answered from cache")
	}
	if n, _ := k.ex.cache.stats(); n != 1 {
		t.Fatalf("entries %d", n)
	}
}

func TestRowCapTruncates(t *testing.T) {
	k := newKit(t, capacity.Options{}, 0)
	ds := k.dataset("shop", shopModel())
	c := activeCap("c", model.CapacityLimits{MaxResultRows: 2})
	res := k.run(Request{Dataset: ds, Capacity: c, Query: mustParse(t, `{"groupBy": ["Sales[Day]"]}`)})
	if !res.Truncated || len(res.Rows) != 2 || rowsText(res.Rows) != "[[2024-01-05] [2024-02-07]]" {
		t.Fatalf("%+v", res)
	}
	res = k.run(Request{Dataset: ds, Capacity: c, Query: mustParse(t, `{"groupBy": ["Store[Name]"], "limit": 2}`)})
	if res.Truncated || len(res.Rows) != 2 {
		t.Fatalf("a query's own limit is not truncation: %+v", res)
	}
}

func TestSuspendedCapacityRefusesEvenCachedQueries(t *testing.T) {
	k := newKit(t, capacity.Options{}, 0)
	ds := k.dataset("shop", shopModel())
	c := activeCap("c", model.CapacityLimits{})
	q := mustParse(t, byStore)
	k.run(Request{Dataset: ds, Capacity: c, Query: q})
	c.State = model.CapacitySuspended
	_, err := k.ex.Run(context.Background(), Request{Dataset: ds, Capacity: c, Query: q})
	wantCode(t, err, errs.KindForbidden, "CapacityNotActive")
	if n := k.counter("bindery_capacity_queries_total", map[string]string{"capacity": "c", "outcome": "rejected"}); n != 1 {
		t.Fatalf("rejected %v", n)
	}
}

func TestCompileErrorsPassThrough(t *testing.T) {
	k := newKit(t, capacity.Options{}, 0)
	ds := k.dataset("shop", shopModel())
	_, err := k.ex.Run(context.Background(), Request{Dataset: ds, Query: mustParse(t, `{"groupBy": ["Nope[X]"]}`)})
	if e := wantCode(t, err, errs.KindInvalid, "InvalidRequest"); !strings.HasPrefix(e.Field, "groupBy") {
		t.Fatalf("field %q", e.Field)
	}
	_, err = k.ex.Run(context.Background(), Request{Dataset: ds})
	wantCode(t, err, errs.KindInvalid, "InvalidRequest")
	dq := *ds
	dq.StorageMode = model.StorageDirectQuery
	_, err = k.ex.Run(context.Background(), Request{Dataset: &dq, Query: mustParse(t, byStore)})
	wantCode(t, err, errs.KindInvalid, "DirectQueryNotSupported")
}

func TestExplainShowsSQLAndIdentityWithoutRunning(t *testing.T) {
	k := newKit(t, capacity.Options{}, 0)
	ds := k.dataset("rls", withRLS(shopModel()))
	id := &query.Identity{Username: "alice", Roles: []string{"Managers"}}
	c := activeCap("c", model.CapacityLimits{MaxResultRows: 10})
	ex, err := k.ex.Explain(Request{Dataset: ds, Capacity: c, Query: mustParse(t, byStore), Identity: id})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(ex.SQL, `"Manager"`) || !strings.HasSuffix(ex.SQL, "LIMIT 11") || ex.Identity != id ||
		ex.Capacity != "c" || ex.Limits.MaxResultRows != 10 || len(ex.Args) != 1 || ex.Args[0] != "alice" {
		t.Fatalf("%+v", ex)
	}
	if n, _ := k.ex.cache.stats(); n != 0 {
		t.Fatal("explain ran the query")
	}
	_, err = k.ex.Explain(Request{Dataset: ds, Query: mustParse(t, byStore)})
	wantCode(t, err, errs.KindForbidden, "EffectiveIdentityRequired")
}

func TestCapacityMemoryLimitReachesTheDataset(t *testing.T) {
	k := newKit(t, capacity.Options{}, 0)
	ds := k.dataset("shop", shopModel())
	k.run(Request{Dataset: ds, Capacity: activeCap("c", model.CapacityLimits{MaxDatasetMemoryMB: 100}), Query: mustParse(t, byStore)})
	var got string
	err := k.eng.Read(context.Background(), ds.ID, func(ctx context.Context, db *sql.DB) error {
		return db.QueryRowContext(ctx, "SELECT current_setting('memory_limit')").Scan(&got)
	})
	if err != nil || got != "95.3 MiB" {
		t.Fatalf("memory_limit %q, %v", got, err)
	}
}

// countingEngine counts Reads and holds each until release is closed.
type countingEngine struct {
	Engine
	mu      sync.Mutex
	reads   int
	release chan struct{}
}

func (c *countingEngine) Read(ctx context.Context, id string, fn func(context.Context, *sql.DB) error) error {
	c.mu.Lock()
	c.reads++
	c.mu.Unlock()
	<-c.release
	return c.Engine.Read(ctx, id, fn)
}

func TestIdenticalConcurrentQueriesRunOnce(t *testing.T) {
	k := newKit(t, capacity.Options{}, -1) // cache off: sharing comes from the flight alone
	ds := k.dataset("shop", shopModel())
	ce := &countingEngine{Engine: k.eng, release: make(chan struct{})}
	ex, err := New(Options{Engine: ce, Governor: k.gov, CacheBytes: -1})
	if err != nil {
		t.Fatal(err)
	}
	const n = 8
	results := make(chan *Result, n)
	for i := 0; i < n; i++ {
		go func() {
			res, err := ex.Run(context.Background(), Request{Dataset: ds, Query: mustParse(t, byStore)})
			if err != nil {
				t.Error(err)
			}
			results <- res
		}()
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		ex.flights.mu.Lock()
		refs := 0
		for _, f := range ex.flights.m {
			refs += f.refs
		}
		ex.flights.mu.Unlock()
		if refs == n {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("only %d requests joined", refs)
		}
		time.Sleep(time.Millisecond)
	}
	close(ce.release)
	hits := 0
	for i := 0; i < n; i++ {
		res := <-results
		if res == nil || rowsText(res.Rows) != "[[North 15 4] [South 100 4] [West 1 0]]" {
			t.Fatalf("result %+v", res)
		}
		if res.CacheHit {
			hits++
		}
	}
	if ce.reads != 1 || hits != n-1 {
		t.Fatalf("reads %d hits %d", ce.reads, hits)
	}
	// With the cache off, the next request runs again.
	if res, _ := ex.Run(context.Background(), Request{Dataset: ds, Query: mustParse(t, byStore)}); res.CacheHit || ce.reads != 2 {
		t.Fatalf("hit %v reads %d", res.CacheHit, ce.reads)
	}
}

func TestCanceledRequestsCancelTheirRun(t *testing.T) {
	k := newKit(t, capacity.Options{}, 0)
	ctx, cancel := context.WithCancel(context.Background())
	ran := make(chan error, 1)
	_, _, err := k.ex.flights.do(ctx, "k", func(fctx context.Context) (*Result, error) {
		cancel()
		<-fctx.Done() // the last waiter left: the run is canceled
		ran <- fctx.Err()
		return nil, fctx.Err()
	})
	if !errors.Is(err, context.Canceled) || !errors.Is(<-ran, context.Canceled) {
		t.Fatalf("got %v", err)
	}
}
