package capacity

import (
	"container/list"
	"context"
	"sync"
)

// semaphore bounds concurrent holders and queues the others in arrival order.
// Its limit may change while it is in use.
type semaphore struct {
	mu      sync.Mutex
	limit   int
	held    int
	waiters list.List // of chan struct{}, closed when the slot is handed over
}

// tryAcquire takes a slot at once if one is free and nobody is queued.
// Otherwise it returns a ticket to wait on, unless the queue holds maxQueue
// waiters already (full is then true).
func (s *semaphore) tryAcquire(maxQueue int) (got bool, wait *list.Element, full bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.held < s.limit && s.waiters.Len() == 0 {
		s.held++
		return true, nil, false
	}
	if s.waiters.Len() >= maxQueue {
		return false, nil, true
	}
	return false, s.waiters.PushBack(make(chan struct{})), false
}

// wait blocks until the queued ticket is granted or ctx ends. A ticket granted
// just as ctx ended is passed on, so no slot is lost.
func (s *semaphore) wait(ctx context.Context, e *list.Element) error {
	ch := e.Value.(chan struct{})
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
	}
	s.mu.Lock()
	select {
	case <-ch: // granted meanwhile: hand it on
		s.mu.Unlock()
		s.release()
	default:
		s.waiters.Remove(e)
		s.mu.Unlock()
	}
	return ctx.Err()
}

// release frees a slot and grants it to the first waiters while slots are free.
func (s *semaphore) release() {
	s.mu.Lock()
	s.held--
	s.grant()
	s.mu.Unlock()
}

// setLimit changes the bound; raising it admits waiters, lowering it lets
// running holders finish.
func (s *semaphore) setLimit(n int) {
	s.mu.Lock()
	s.limit = n
	s.grant()
	s.mu.Unlock()
}

// grant hands free slots to waiters in order; s.mu is held.
func (s *semaphore) grant() {
	for s.held < s.limit && s.waiters.Len() > 0 {
		e := s.waiters.Front()
		s.waiters.Remove(e)
		s.held++
		close(e.Value.(chan struct{}))
	}
}

// stats returns the slots held and the queue length.
func (s *semaphore) stats() (held, queued int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.held, s.waiters.Len()
}
