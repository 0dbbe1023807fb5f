package queryexec

import (
	"container/list"
	"context"
	"sync"
)

// cache is an LRU of results bounded by their estimated size. Keys carry the
// dataset's data version, so a data change makes old entries unreachable;
// they are dropped as soon as a newer version of their dataset is seen.
type cache struct {
	mu     sync.Mutex
	max    int64
	used   int64
	ll     list.List // of *entry, most recent first
	items  map[string]*list.Element
	latest map[string]int64 // dataset id -> newest data version seen
}

type entry struct {
	key     string
	dataset string
	version int64
	res     *Result
	size    int64
}

func newCache(maxBytes int64) *cache {
	return &cache{max: maxBytes, items: map[string]*list.Element{}, latest: map[string]int64{}}
}

// observe notes that version is current for dataset, dropping the entries of
// older versions. It reports false when version is older than one already
// seen (the caller's view of the dataset is stale: do not cache).
func (c *cache) observe(dataset string, version int64) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.observeLocked(dataset, version)
}

func (c *cache) observeLocked(dataset string, version int64) bool {
	v, ok := c.latest[dataset]
	switch {
	case ok && version < v:
		return false
	case ok && version == v:
		return true
	}
	c.latest[dataset] = version
	if ok {
		for e := c.ll.Front(); e != nil; {
			next := e.Next()
			if en := e.Value.(*entry); en.dataset == dataset && en.version < version {
				c.remove(e)
			}
			e = next
		}
	}
	return true
}

func (c *cache) get(key string) (*Result, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.items[key]
	if !ok {
		return nil, false
	}
	c.ll.MoveToFront(e)
	return e.Value.(*entry).res, true
}

// put stores res unless it is larger than an eighth of the cache (one result
// must not flush everything else) or its version is stale.
func (c *cache) put(dataset string, version int64, key string, res *Result) {
	size := estimateSize(key, res)
	if size > c.max/8 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.observeLocked(dataset, version) {
		return
	}
	if e, ok := c.items[key]; ok {
		c.remove(e)
	}
	c.items[key] = c.ll.PushFront(&entry{key: key, dataset: dataset, version: version, res: res, size: size})
	c.used += size
	for c.used > c.max {
		c.remove(c.ll.Back())
	}
}

func (c *cache) remove(e *list.Element) {
	en := e.Value.(*entry)
	c.ll.Remove(e)
	delete(c.items, en.key)
	c.used -= en.size
}

// stats returns the entries and bytes held.
func (c *cache) stats() (int, int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.ll.Len(), c.used
}

// estimateSize approximates the memory a cached result holds: slice and
// interface headers, strings' bytes, and the entry's bookkeeping.
func estimateSize(key string, res *Result) int64 {
	n := int64(200 + 2*len(key))
	for _, col := range res.Columns {
		n += int64(64 + len(col.Name) + len(col.Field) + len(col.DataType))
	}
	for _, row := range res.Rows {
		n += 24 + 16*int64(len(row))
		for _, v := range row {
			switch v := v.(type) {
			case string:
				n += 16 + int64(len(v))
			case int64, float64:
				n += 8
			}
		}
	}
	return n
}

// flights runs one query per key at a time: identical concurrent requests
// share the first one's run. The run continues while any of them still
// waits, and is canceled when all have gone.
type flights struct {
	mu sync.Mutex
	m  map[string]*flight
}

type flight struct {
	done   chan struct{}
	res    *Result
	err    error
	refs   int
	cancel context.CancelFunc
}

// do returns fn's result for key, running fn unless a run for key is in
// progress; shared reports that another request's run answered.
func (g *flights) do(ctx context.Context, key string, fn func(context.Context) (*Result, error)) (res *Result, shared bool, err error) {
	g.mu.Lock()
	if g.m == nil {
		g.m = map[string]*flight{}
	}
	if f, ok := g.m[key]; ok {
		f.refs++
		g.mu.Unlock()
		return g.wait(ctx, key, f, true)
	}
	// The run outlives the request that started it, but keeps its values.
	fctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	f := &flight{done: make(chan struct{}), refs: 1, cancel: cancel}
	g.m[key] = f
	g.mu.Unlock()
	go func() {
		defer close(f.done)
		f.res, f.err = fn(fctx)
		g.mu.Lock()
		if g.m[key] == f {
			delete(g.m, key)
		}
		g.mu.Unlock()
		cancel()
	}()
	return g.wait(ctx, key, f, false)
}

func (g *flights) wait(ctx context.Context, key string, f *flight, shared bool) (*Result, bool, error) {
	select {
	case <-f.done:
		return f.res, shared, f.err
	case <-ctx.Done():
	}
	g.mu.Lock()
	if f.refs--; f.refs == 0 {
		f.cancel()
		if g.m[key] == f {
			delete(g.m, key) // a new request starts a new run
		}
	}
	g.mu.Unlock()
	return nil, shared, ctx.Err()
}
