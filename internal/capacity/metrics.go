package capacity

import (
	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the per-capacity series; the label "capacity" is the capacity
// id, or NoCapacity for datasets in workspaces without one.
type metrics struct {
	queries    *prometheus.CounterVec   // capacity, outcome
	queueWait  *prometheus.HistogramVec // capacity
	duration   *prometheus.HistogramVec // capacity
	rejections *prometheus.CounterVec   // capacity, reason
	timeouts   *prometheus.CounterVec   // capacity
	cacheHits  *prometheus.CounterVec   // capacity
	inFlight   *prometheus.GaugeVec     // capacity
	queued     *prometheus.GaugeVec     // capacity
}

// NoCapacity is the metrics label of queries on datasets not on a capacity.
const NoCapacity = "none"

// Rejection reasons (label "reason" of bindery_capacity_rejections_total).
const (
	ReasonSuspended    = "suspended"
	ReasonQueueTimeout = "queue_timeout"
	ReasonQueueFull    = "queue_full"
)

func newMetrics() *metrics {
	c := []string{"capacity"}
	return &metrics{
		queries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "bindery_capacity_queries_total",
			Help: "Visual queries by capacity and outcome (success, error, timeout, rejected, canceled); cache hits count as success.",
		}, []string{"capacity", "outcome"}),
		queueWait: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "bindery_capacity_queue_wait_seconds",
			Help:    "Time queries waited for a slot of their capacity.",
			Buckets: []float64{.0005, .001, .005, .01, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, c),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "bindery_capacity_query_duration_seconds",
			Help:    "Time queries ran on the engine, after admission.",
			Buckets: []float64{.001, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60},
		}, c),
		rejections: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "bindery_capacity_rejections_total",
			Help: "Queries refused by their capacity, by reason (suspended, queue_timeout, queue_full).",
		}, []string{"capacity", "reason"}),
		timeouts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "bindery_capacity_query_timeouts_total",
			Help: "Queries stopped by their capacity's query timeout.",
		}, c),
		cacheHits: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "bindery_capacity_cache_hits_total",
			Help: "Queries answered from the result cache (or by an identical query running at the same time).",
		}, c),
		inFlight: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "bindery_capacity_queries_in_flight",
			Help: "Queries holding a slot of their capacity.",
		}, c),
		queued: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "bindery_capacity_queries_queued",
			Help: "Queries waiting for a slot of their capacity.",
		}, c),
	}
}

func (m *metrics) register(r prometheus.Registerer) error {
	for _, c := range []prometheus.Collector{m.queries, m.queueWait, m.duration, m.rejections, m.timeouts, m.cacheHits, m.inFlight, m.queued} {
		if err := r.Register(c); err != nil {
			return err
		}
	}
	return nil
}
