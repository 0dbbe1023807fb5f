package queryexec

import (
	"context"
	"testing"
	"time"

	"github.com/bindery-dev/bindery/internal/capacity"
	"github.com/bindery-dev/bindery/internal/errs"
	"github.com/bindery-dev/bindery/internal/model"
)

// TestTimeoutInterruptsDuckDBAndBusyCapacityDoesNotStarveAnother runs a query
// whose join explodes (every sale matches 20,000 store rows: billions of
// rows) on capacity A with one slot and a one-second timeout.
func TestTimeoutInterruptsDuckDBAndBusyCapacityDoesNotStarveAnother(t *testing.T) {
	k := newKit(t, capacity.Options{QueueTimeout: 200 * time.Millisecond}, 0)
	slow := k.dataset("slow", shopModel())
	k.exec("slow", `INSERT INTO "Store" SELECT 1, 'dup', 'x' FROM range(20000)`)
	k.exec("slow", `INSERT INTO "Sales" SELECT 1, DATE '2024-01-01', TIMESTAMP '2024-01-01', 1, 1, 1.0 FROM range(500000)`)
	shop := k.dataset("shop", shopModel())
	a := activeCap("a", model.CapacityLimits{MaxConcurrentQueries: 1, QueryTimeoutSeconds: 1})
	b := activeCap("b", model.CapacityLimits{MaxConcurrentQueries: 1})
	q := mustParse(t, byStore)

	type outcome struct {
		err error
		d   time.Duration
	}
	done := make(chan outcome)
	start := time.Now()
	go func() {
		_, err := k.ex.Run(context.Background(), Request{Dataset: slow, Capacity: a, Query: q})
		done <- outcome{err, time.Since(start)}
	}()
	waitUntil(t, func() bool { return k.gov.Stats(a).InFlight == 1 })

	// A is full: another query on A waits 200ms and is told to come back.
	_, err := k.ex.Run(context.Background(), Request{Dataset: shop, Capacity: a, Query: mustParse(t, `{"values": ["[Total]"]}`)})
	wantCode(t, err, errs.KindUnavailable, "CapacityBusy")
	if ra, ok := capacity.RetryAfter(err); !ok || ra <= 0 {
		t.Fatalf("retry hint %v %v", ra, ok)
	}
	// B runs at once.
	bStart := time.Now()
	res := k.run(Request{Dataset: shop, Capacity: b, Query: q})
	if d := time.Since(bStart); d > 500*time.Millisecond || len(res.Rows) != 3 {
		t.Fatalf("capacity B took %s (%d rows) while A was busy", d, len(res.Rows))
	}

	o := <-done
	wantCode(t, o.err, errs.KindTimeout, "QueryTimeout")
	// The driver interrupts DuckDB on cancellation (every 500ms until it stops).
	if o.d > 3*time.Second {
		t.Fatalf("the timed-out query returned after %s", o.d)
	}
	if st := k.gov.Stats(a); st.InFlight != 0 {
		t.Fatalf("slot still held: %+v", st)
	}
	// The dataset is usable afterwards.
	if res := k.run(Request{Dataset: slow, Capacity: a, Query: mustParse(t, `{"values": ["[Total]"]}`)}); rowsText(res.Rows) != "[[500116]]" {
		t.Fatalf("after timeout: %v", res.Rows)
	}
	for _, c := range []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		{"bindery_capacity_query_timeouts_total", map[string]string{"capacity": "a"}, 1},
		{"bindery_capacity_queries_total", map[string]string{"capacity": "a", "outcome": "timeout"}, 1},
		{"bindery_capacity_queries_total", map[string]string{"capacity": "a", "outcome": "rejected"}, 1},
		{"bindery_capacity_rejections_total", map[string]string{"capacity": "a", "reason": "queue_timeout"}, 1},
		{"bindery_capacity_queries_total", map[string]string{"capacity": "b", "outcome": "success"}, 1},
		{"bindery_capacity_queries_in_flight", map[string]string{"capacity": "a"}, 0},
	} {
		if got := k.counter(c.name, c.labels); got != c.want {
			t.Errorf("%s%v = %v, want %v", c.name, c.labels, got, c.want)
		}
	}
}

func waitUntil(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached")
		}
		time.Sleep(time.Millisecond)
	}
}
