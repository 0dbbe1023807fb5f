// Package capacity is admission control for visual queries: every capacity
// bounds its concurrent queries, queues the rest in arrival order for at most
// a wait timeout, and refuses queries while Suspended. Capacities are
// independent, so a busy one never delays another. The package also keeps the
// per-capacity Prometheus metrics of queries (the executor reports outcomes).
//
// The per-query timeout, row cap and dataset memory bound are part of the
// capacity's limits (Limits); the executor applies them.
package capacity

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/bindery-dev/bindery/internal/errs"
	"github.com/bindery-dev/bindery/internal/model"
)

// Defaults of Options.
const (
	DefaultQueueTimeout = 10 * time.Second
	DefaultMaxQueue     = 1000
	DefaultRetryAfter   = 2 * time.Second
)

// Options configure a Governor. Zero values take the defaults.
type Options struct {
	// Registerer receives the metrics; nil keeps them unregistered.
	Registerer prometheus.Registerer
	// QueueTimeout is how long a query may wait for a slot (default DefaultQueueTimeout).
	QueueTimeout time.Duration
	// MaxQueue is how many queries may wait per capacity; more are refused at
	// once (default DefaultMaxQueue).
	MaxQueue int
	// RetryAfter is the hint given with CapacityBusy (default DefaultRetryAfter).
	RetryAfter time.Duration
	// Defaults are the limits of datasets not on a capacity; zero fields take
	// model.DefaultCapacityLimits.
	Defaults model.CapacityLimits
}

// Outcome is how a query ended, the label "outcome" of bindery_capacity_queries_total.
type Outcome string

// Outcomes.
const (
	OutcomeSuccess  Outcome = "success"
	OutcomeError    Outcome = "error"
	OutcomeTimeout  Outcome = "timeout"
	OutcomeRejected Outcome = "rejected"
	OutcomeCanceled Outcome = "canceled"
)

// Governor admits queries per capacity. It is safe for concurrent use.
type Governor struct {
	opts Options
	m    *metrics

	mu    sync.Mutex
	pools map[string]*pool
}

// pool is the admission state of one capacity.
type pool struct {
	label string
	sem   semaphore
}

// Busy is the cause inside a CapacityBusy error: when to try again.
type Busy struct {
	Capacity   string
	RetryAfter time.Duration
}

func (b *Busy) Error() string {
	return fmt.Sprintf("capacity %s is busy, retry after %s", b.Capacity, b.RetryAfter)
}

// RetryAfter returns the retry hint of a CapacityBusy error.
func RetryAfter(err error) (time.Duration, bool) {
	var b *Busy
	if errors.As(err, &b) {
		return b.RetryAfter, true
	}
	return 0, false
}

// New returns a Governor; it fails only when registering the metrics fails.
func New(opts Options) (*Governor, error) {
	if opts.QueueTimeout <= 0 {
		opts.QueueTimeout = DefaultQueueTimeout
	}
	if opts.MaxQueue <= 0 {
		opts.MaxQueue = DefaultMaxQueue
	}
	if opts.RetryAfter <= 0 {
		opts.RetryAfter = DefaultRetryAfter
	}
	opts.Defaults = opts.Defaults.WithDefaults()
	g := &Governor{opts: opts, m: newMetrics(), pools: map[string]*pool{}}
	if opts.Registerer != nil {
		if err := g.m.register(opts.Registerer); err != nil {
			return nil, fmt.Errorf("capacity: register metrics: %w", err)
		}
	}
	return g, nil
}

// Limits returns the limits in force on c: its own, zero fields filled with
// the defaults; Options.Defaults when c is nil.
func (g *Governor) Limits(c *model.Capacity) model.CapacityLimits {
	if c == nil {
		return g.opts.Defaults
	}
	return c.Limits.WithDefaults()
}

func label(c *model.Capacity) string {
	if c == nil {
		return NoCapacity
	}
	return c.ID
}

func (g *Governor) pool(c *model.Capacity, limit int) *pool {
	l := label(c)
	g.mu.Lock()
	p, ok := g.pools[l]
	if !ok {
		p = &pool{label: l}
		p.sem.limit = limit
		g.pools[l] = p
	}
	g.mu.Unlock()
	if ok {
		p.sem.mu.Lock()
		changed := p.sem.limit != limit
		p.sem.mu.Unlock()
		if changed {
			p.sem.setLimit(limit) // the capacity's limits were edited
		}
	}
	return p
}

// Slot is an admitted query's hold on its capacity; Release it when the query ends.
type Slot struct {
	g        *Governor
	p        *pool
	limits   model.CapacityLimits
	waited   time.Duration
	released atomic.Bool
}

// Limits are the capacity's limits when the query was admitted.
func (s *Slot) Limits() model.CapacityLimits { return s.limits }

// Waited is how long the query queued.
func (s *Slot) Waited() time.Duration { return s.waited }

// Release frees the slot; calling it again does nothing.
func (s *Slot) Release() {
	if s.released.Swap(true) {
		return
	}
	s.g.m.inFlight.WithLabelValues(s.p.label).Dec()
	s.p.sem.release()
}

// Admit waits for a slot of capacity c (nil: the pool of datasets without a
// capacity). It fails with KindForbidden "CapacityNotActive" when c is
// suspended, KindUnavailable "CapacityBusy" (wrapping *Busy) when the queue is
// full or the wait times out, and ctx's error when ctx ends first.
func (g *Governor) Admit(ctx context.Context, c *model.Capacity) (*Slot, error) {
	l := label(c)
	if err := g.CheckActive(c); err != nil {
		return nil, err
	}
	limits := g.Limits(c)
	p := g.pool(c, limits.MaxConcurrentQueries)
	start := time.Now()
	got, ticket, full := p.sem.tryAcquire(g.opts.MaxQueue)
	if full {
		g.m.rejections.WithLabelValues(l, ReasonQueueFull).Inc()
		return nil, g.busy(c, "too many queries are waiting")
	}
	if !got {
		q := g.m.queued.WithLabelValues(l)
		q.Inc()
		wctx, cancel := context.WithTimeout(ctx, g.opts.QueueTimeout)
		err := p.sem.wait(wctx, ticket)
		cancel()
		q.Dec()
		g.m.queueWait.WithLabelValues(l).Observe(time.Since(start).Seconds())
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			g.m.rejections.WithLabelValues(l, ReasonQueueTimeout).Inc()
			return nil, g.busy(c, fmt.Sprintf("no query slot was free within %s", g.opts.QueueTimeout))
		}
	} else {
		g.m.queueWait.WithLabelValues(l).Observe(time.Since(start).Seconds())
	}
	g.m.inFlight.WithLabelValues(l).Inc()
	return &Slot{g: g, p: p, limits: limits, waited: time.Since(start)}, nil
}

// CheckActive refuses (and counts) a query on a capacity that is not Active,
// with KindForbidden "CapacityNotActive"; nil c is always accepted. Admit
// checks it too; call it before answering from a cache.
func (g *Governor) CheckActive(c *model.Capacity) error {
	if c == nil || c.State == model.CapacityActive {
		return nil
	}
	g.m.rejections.WithLabelValues(c.ID, ReasonSuspended).Inc()
	return errs.New(errs.KindForbidden, "CapacityNotActive",
		"capacity %q is %s: its workspaces cannot run queries", c.DisplayName, c.State)
}

func (g *Governor) busy(c *model.Capacity, why string) error {
	name := NoCapacity
	if c != nil {
		name = c.DisplayName
	}
	secs := int(math.Ceil(g.opts.RetryAfter.Seconds()))
	return errs.New(errs.KindUnavailable, "CapacityBusy",
		"capacity %q is busy (%s); retry in %d s", name, why, secs).
		Wrap(&Busy{Capacity: name, RetryAfter: g.opts.RetryAfter})
}

// Record counts a finished request by its outcome (timeouts also in
// bindery_capacity_query_timeouts_total).
func (g *Governor) Record(c *model.Capacity, o Outcome) {
	l := label(c)
	g.m.queries.WithLabelValues(l, string(o)).Inc()
	if o == OutcomeTimeout {
		g.m.timeouts.WithLabelValues(l).Inc()
	}
}

// Observe records how long an admitted query ran on the engine.
func (g *Governor) Observe(c *model.Capacity, ran time.Duration) {
	g.m.duration.WithLabelValues(label(c)).Observe(ran.Seconds())
}

// CacheHit counts a query answered without running (call Record as well).
func (g *Governor) CacheHit(c *model.Capacity) {
	g.m.cacheHits.WithLabelValues(label(c)).Inc()
}

// Stats is a capacity's admission state at one moment.
type Stats struct {
	InFlight, Queued int
}

// Stats returns the slots held and the queries waiting on capacity c.
func (g *Governor) Stats(c *model.Capacity) Stats {
	g.mu.Lock()
	p, ok := g.pools[label(c)]
	g.mu.Unlock()
	if !ok {
		return Stats{}
	}
	h, q := p.sem.stats()
	return Stats{InFlight: h, Queued: q}
}
