package throttle

import (
	"net/http/httptest"
	"testing"
	"time"
)

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func TestLimiter(t *testing.T) {
	c := &clock{t: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}
	l := New(Options{MaxFailures: 3, Window: time.Minute, Now: c.now})
	for i := range 3 {
		if ok, _ := l.Allow("a", "b"); !ok {
			t.Fatalf("refused after %d failures", i)
		}
		l.Fail("a")
		c.t = c.t.Add(10 * time.Second)
	}
	ok, wait := l.Allow("b", "a")
	if ok || wait != 30*time.Second {
		t.Fatalf("after 3 failures: ok=%v wait=%v, want refused for 30s", ok, wait)
	}
	if ok, _ := l.Allow("b"); !ok {
		t.Fatal("an unrelated key is refused")
	}
	c.t = c.t.Add(30 * time.Second)
	if ok, _ := l.Allow("a"); !ok {
		t.Fatal("still refused after the window ended")
	}
	l.Fail("a") // a new window starts
	if ok, _ := l.Allow("a"); !ok {
		t.Fatal("one failure in a new window refused")
	}
	l.Fail("a")
	l.Fail("a")
	l.Reset("a")
	if ok, _ := l.Allow("a"); !ok {
		t.Fatal("refused after Reset")
	}
}

func TestRefuse(t *testing.T) {
	w := httptest.NewRecorder()
	Refuse(w, 1500*time.Millisecond)
	if w.Code != 429 || w.Header().Get("Retry-After") != "2" {
		t.Fatalf("got %d Retry-After %q, want 429 and 2", w.Code, w.Header().Get("Retry-After"))
	}
}
