package capacity

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/bindery-dev/bindery/internal/errs"
	"github.com/bindery-dev/bindery/internal/model"
)

func newGov(t *testing.T, opts Options) (*Governor, *prometheus.Registry) {
	t.Helper()
	reg := prometheus.NewRegistry()
	opts.Registerer = reg
	g, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return g, reg
}

func capOf(id string, slots int) *model.Capacity {
	return &model.Capacity{ID: id, DisplayName: "Cap " + id, SKU: "A1", State: model.CapacityActive,
		Limits: model.CapacityLimits{MaxConcurrentQueries: slots}}
}

func admit(t *testing.T, g *Governor, c *model.Capacity) *Slot {
	t.Helper()
	s, err := g.Admit(context.Background(), c)
	if err != nil {
		t.Fatalf("admit: %v", err)
	}
	return s
}

func wantCode(t *testing.T, err error, kind errs.Kind, code string) {
	t.Helper()
	e, ok := errs.As(err)
	if !ok || e.Kind != kind || e.Code != code {
		t.Fatalf("got %v (%#v), want kind %d code %s", err, e, kind, code)
	}
}

func TestSuspendedRefuses(t *testing.T) {
	g, reg := newGov(t, Options{})
	c := capOf("a", 2)
	c.State = model.CapacitySuspended
	_, err := g.Admit(context.Background(), c)
	wantCode(t, err, errs.KindForbidden, "CapacityNotActive")
	if n := metric(t, reg)[`bindery_capacity_rejections_total{capacity="a",reason="suspended"}`]; n != 1 {
		t.Fatalf("rejections = %v", n)
	}
}

func TestQueueTimeoutIsBusyWithRetryHint(t *testing.T) {
	g, reg := newGov(t, Options{QueueTimeout: 50 * time.Millisecond, RetryAfter: 3 * time.Second})
	c := capOf("a", 1)
	s := admit(t, g, c)
	defer s.Release()
	start := time.Now()
	_, err := g.Admit(context.Background(), c)
	wantCode(t, err, errs.KindUnavailable, "CapacityBusy")
	if d := time.Since(start); d < 50*time.Millisecond || d > 2*time.Second {
		t.Fatalf("waited %s", d)
	}
	if ra, ok := RetryAfter(err); !ok || ra != 3*time.Second {
		t.Fatalf("retry after = %v, %v", ra, ok)
	}
	if !strings.Contains(err.Error(), "retry in 3 s") {
		t.Fatalf("message %q", err)
	}
	if n := metric(t, reg)[`bindery_capacity_rejections_total{capacity="a",reason="queue_timeout"}`]; n != 1 {
		t.Fatalf("rejections = %v", n)
	}
}

func TestQueueFull(t *testing.T) {
	g, _ := newGov(t, Options{MaxQueue: 1})
	c := capOf("a", 1)
	s := admit(t, g, c)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { _, err := g.Admit(ctx, c); done <- err }()
	waitFor(t, func() bool { return g.Stats(c).Queued == 1 })
	_, err := g.Admit(context.Background(), c)
	wantCode(t, err, errs.KindUnavailable, "CapacityBusy")
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("queued admit: %v", err)
	}
	s.Release()
	if st := g.Stats(c); st != (Stats{}) {
		t.Fatalf("stats after all left: %+v", st)
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for i := 0; i < 500; i++ {
		if cond() {
			return
		}
		time.Sleep(2 * time.Millisecond)
	}
	t.Fatal("condition not reached")
}

func TestFIFOOrder(t *testing.T) {
	g, _ := newGov(t, Options{})
	c := capOf("a", 1)
	first := admit(t, g, c)
	order := make(chan int, 5)
	for i := 0; i < 5; i++ {
		go func() {
			s, err := g.Admit(context.Background(), c)
			if err != nil {
				order <- -1
				return
			}
			order <- i
			s.Release()
		}()
		waitFor(t, func() bool { return g.Stats(c).Queued == i+1 })
	}
	first.Release()
	for want := 0; want < 5; want++ {
		if got := <-order; got != want {
			t.Fatalf("admitted %d, want %d", got, want)
		}
	}
}

func TestCapacitiesAreIndependent(t *testing.T) {
	g, _ := newGov(t, Options{QueueTimeout: 20 * time.Millisecond})
	a, b := capOf("a", 2), capOf("b", 2)
	held := []*Slot{admit(t, g, a), admit(t, g, a)}
	if _, err := g.Admit(context.Background(), a); errs.KindOf(err) != errs.KindUnavailable {
		t.Fatalf("a should be full: %v", err)
	}
	start := time.Now()
	sb := admit(t, g, b)
	if d := time.Since(start); d > 10*time.Millisecond {
		t.Fatalf("b waited %s while a was full", d)
	}
	sb.Release()
	// Datasets without a capacity have their own pool too.
	admit(t, g, nil).Release()
	for _, s := range held {
		s.Release()
		s.Release() // twice is harmless
	}
	if st := g.Stats(a); st.InFlight != 0 {
		t.Fatalf("a in flight %d", st.InFlight)
	}
}

func TestCanceledWaiterLeavesNoSlotBehind(t *testing.T) {
	g, _ := newGov(t, Options{})
	c := capOf("a", 1)
	s := admit(t, g, c)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	if _, err := g.Admit(ctx, c); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v", err)
	}
	s.Release()
	admit(t, g, c).Release()
	if st := g.Stats(c); st != (Stats{}) {
		t.Fatalf("stats %+v", st)
	}
}

func TestRaisingTheLimitAdmitsWaiters(t *testing.T) {
	g, _ := newGov(t, Options{})
	c := capOf("a", 1)
	s := admit(t, g, c)
	defer s.Release()
	done := make(chan *Slot)
	go func() { s, _ := g.Admit(context.Background(), c); done <- s }()
	waitFor(t, func() bool { return g.Stats(c).Queued == 1 })
	// The capacity's limits were edited: the next Admit applies them; the
	// waiter, queued first, takes the new slot and the newcomer queues.
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if _, err := g.Admit(ctx, capOf("a", 2)); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("newcomer: %v", err)
	}
	select {
	case s := <-done:
		s.Release()
	case <-time.After(2 * time.Second):
		t.Fatal("waiter not admitted after the limit was raised")
	}
}

func TestRecordMetrics(t *testing.T) {
	g, reg := newGov(t, Options{})
	c := capOf("a", 1)
	g.Record(c, OutcomeSuccess)
	g.Record(c, OutcomeTimeout)
	g.Observe(c, time.Second)
	g.Record(nil, OutcomeSuccess)
	g.CacheHit(nil)
	s := admit(t, g, c)
	if v := metric(t, reg)[`bindery_capacity_queries_in_flight{capacity="a"}`]; v != 1 {
		t.Fatalf("in flight %v", v)
	}
	s.Release()
	checks := map[string]float64{
		`bindery_capacity_queries_total{capacity="a",outcome="success"}`:    1,
		`bindery_capacity_queries_total{capacity="a",outcome="timeout"}`:    1,
		`bindery_capacity_query_timeouts_total{capacity="a"}`:               1,
		`bindery_capacity_query_duration_seconds{capacity="a"}`:             1,
		`bindery_capacity_cache_hits_total{capacity="none"}`:                1,
		`bindery_capacity_queries_total{capacity="none",outcome="success"}`: 1,
	}
	got := metric(t, reg)
	for k, want := range checks {
		if got[k] != want {
			t.Errorf("%s = %v, want %v", k, got[k], want)
		}
	}
	if n := got[`bindery_capacity_queue_wait_seconds{capacity="a"}`]; n != 1 {
		t.Errorf("queue wait observations %v", n)
	}
}

func TestDoubleRegistrationFails(t *testing.T) {
	reg := prometheus.NewRegistry()
	if _, err := New(Options{Registerer: reg}); err != nil {
		t.Fatal(err)
	}
	if _, err := New(Options{Registerer: reg}); err == nil {
		t.Fatal("second registration should fail")
	}
	if _, err := New(Options{}); err != nil {
		t.Fatal(err)
	}
}

// metric gathers reg into "name{label="value",...}" -> value (a histogram's sample count).
func metric(t *testing.T, reg *prometheus.Registry) map[string]float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			var labels []string
			for _, lp := range m.GetLabel() {
				labels = append(labels, lp.GetName()+`="`+lp.GetValue()+`"`)
			}
			key := mf.GetName() + "{" + strings.Join(labels, ",") + "}"
			switch {
			case m.Counter != nil:
				got[key] = m.Counter.GetValue()
			case m.Gauge != nil:
				got[key] = m.Gauge.GetValue()
			case m.Histogram != nil:
				got[key] = float64(m.Histogram.GetSampleCount())
			}
		}
	}
	return got
}
