// Package throttle slows down guessing: it counts failures per key (a client
// id, a remote address) and refuses a key that failed too often, until its
// window ends. It is in memory, per node: an attacker spreading guesses over
// several nodes gets a multiple of the budget, which is still tiny next to a
// secret's entropy or a password hash's cost.
package throttle

import (
	"math"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// Defaults for Options.
const (
	DefaultMaxFailures = 10
	DefaultWindow      = 5 * time.Minute
	maxEntries         = 100_000 // beyond this, expired entries are swept before adding
)

// Options configure a Limiter.
type Options struct {
	MaxFailures int              // failures allowed per key within Window
	Window      time.Duration    // counted from a key's first failure
	Now         func() time.Time // nil: time.Now (tests inject a clock)
}

// Limiter counts failures. The zero value is not usable; call New.
type Limiter struct {
	max    int
	window time.Duration
	now    func() time.Time
	mu     sync.Mutex
	m      map[string]*entry
}

type entry struct {
	fails int
	until time.Time // end of the window
}

// New returns a Limiter.
func New(o Options) *Limiter {
	if o.MaxFailures <= 0 {
		o.MaxFailures = DefaultMaxFailures
	}
	if o.Window <= 0 {
		o.Window = DefaultWindow
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Limiter{max: o.MaxFailures, window: o.Window, now: o.Now, m: map[string]*entry{}}
}

// Allow reports whether every key may try again, and if not, how long until it may.
func (l *Limiter) Allow(keys ...string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	var wait time.Duration
	for _, k := range keys {
		e := l.m[k]
		if e == nil || !now.Before(e.until) {
			continue
		}
		if e.fails >= l.max {
			wait = max(wait, e.until.Sub(now))
		}
	}
	return wait == 0, wait
}

// Fail records one failure for each key.
func (l *Limiter) Fail(keys ...string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	for _, k := range keys {
		e := l.m[k]
		if e == nil || !now.Before(e.until) {
			if e == nil && len(l.m) >= maxEntries {
				l.sweep(now)
			}
			e = &entry{until: now.Add(l.window)}
			l.m[k] = e
		}
		e.fails++
	}
}

// Reset forgets a key's failures (after a success with that client id).
func (l *Limiter) Reset(key string) {
	l.mu.Lock()
	delete(l.m, key)
	l.mu.Unlock()
}

func (l *Limiter) sweep(now time.Time) {
	for k, e := range l.m {
		if !now.Before(e.until) {
			delete(l.m, k)
		}
	}
}

// ClientKey and AddrKey name the two things failures are counted against.
func ClientKey(clientID string) string { return "client:" + clientID }

// AddrKey is the key of the request's remote address (without the port).
func AddrKey(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	return "addr:" + host
}

// Refuse answers 429 Too Many Requests with a Retry-After in whole seconds.
func Refuse(w http.ResponseWriter, wait time.Duration) {
	secs := int(math.Ceil(wait.Seconds()))
	w.Header().Set("Retry-After", strconv.Itoa(max(secs, 1)))
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusTooManyRequests)
	_, _ = w.Write([]byte(`{"error":"slow_down","error_description":"too many failed attempts; retry later"}` + "\n"))
}
