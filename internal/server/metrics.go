package server

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/mdcheck/mdcheck/internal/fleetapp"
)

// metrics are the server's Prometheus metrics: request latency per
// route, the store's size, the assessments waiting, and the Go runtime's
// and process's own.
type metrics struct {
	registry *prometheus.Registry
	latency  *prometheus.HistogramVec
}

func newMetrics(f *fleetapp.Fleet) *metrics {
	m := &metrics{registry: prometheus.NewRegistry()}
	m.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "mdcheck_http_request_duration_seconds",
		Help:    "Time to answer an HTTP request, by method, route pattern and status code.",
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
	}, []string{"method", "route", "code"})
	gauge := func(name, help string, get func(context.Context) (int64, error)) prometheus.Collector {
		return prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, func() float64 {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			n, err := get(ctx)
			if err != nil {
				return -1 // the store did not answer
			}
			return float64(n)
		})
	}
	m.registry.MustRegister(m.latency,
		gauge("mdcheck_store_size_bytes", "Size of the store in bytes (-1: it did not answer).", f.StoreSize),
		gauge("mdcheck_assessments_queued", "Assessments waiting to run (-1: the store did not answer).", f.Queued),
		jobsCollector{f, prometheus.NewDesc("mdcheck_jobs", "Jobs by kind and state (PostgreSQL: River's jobs; SQLite: assessments and notifications by status).", []string{"kind", "state"}, nil)},
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// observe records a request's latency under its route's pattern.
func (m *metrics) observe(r *http.Request, status int, d time.Duration) {
	route := "unmatched"
	if rc := chi.RouteContext(r.Context()); rc != nil && rc.RoutePattern() != "" {
		route = rc.RoutePattern()
	}
	m.latency.WithLabelValues(r.Method, route, strconv.Itoa(status)).Observe(d.Seconds())
}

// handler serves the metrics to an admin token of any organisation:
// they describe the server, not an organisation's devices.
func (s *Server) metricsHandler() http.HandlerFunc {
	h := promhttp.HandlerFor(s.metrics.registry, promhttp.HandlerOpts{})
	return func(w http.ResponseWriter, r *http.Request) {
		by, status, detail := s.authenticate(r)
		switch {
		case status != 0:
			problem(w, r, status, http.StatusText(status), detail)
		case !by.Role.AtLeast(fleetapp.RoleAdmin):
			problem(w, r, 403, "Forbidden", "metrics need an admin token")
		default:
			h.ServeHTTP(w, r)
		}
	}
}

// jobsCollector reports the jobs' states when scraped.
type jobsCollector struct {
	f    *fleetapp.Fleet
	desc *prometheus.Desc
}

func (c jobsCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

func (c jobsCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	st, err := c.f.JobStates(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(c.desc, err)
		return
	}
	for _, n := range st.Counts {
		ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, float64(n.Count), n.Kind, n.State)
	}
}
