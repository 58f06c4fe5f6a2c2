// Package clock injects time: production reads the system clock, tests and
// the console move a manual one.
package clock

import (
	"sync"
	"time"
)

// Clock tells the time.
type Clock interface {
	Now() time.Time
}

// System is the real clock.
type System struct{}

// Now returns the current time.
func (System) Now() time.Time { return time.Now() }

// Manual is a clock that moves only when told to. The zero value starts at
// the zero time; use NewManual.
type Manual struct {
	mu  sync.Mutex
	now time.Time
}

// NewManual returns a manual clock set to t.
func NewManual(t time.Time) *Manual { return &Manual{now: t} }

// Now returns the clock's time.
func (m *Manual) Now() time.Time {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.now
}

// Set moves the clock to t.
func (m *Manual) Set(t time.Time) {
	m.mu.Lock()
	m.now = t
	m.mu.Unlock()
}

// Advance moves the clock forward by d.
func (m *Manual) Advance(d time.Duration) time.Time {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.now = m.now.Add(d)
	return m.now
}

// Offset is the system clock shifted by a settable amount, so the console
// can rehearse tonight's window while time keeps running.
type Offset struct {
	mu  sync.Mutex
	off time.Duration
}

// Now returns the shifted time.
func (o *Offset) Now() time.Time {
	o.mu.Lock()
	defer o.mu.Unlock()
	return time.Now().Add(o.off)
}

// Set makes Now return t from this moment on.
func (o *Offset) Set(t time.Time) {
	o.mu.Lock()
	o.off = time.Until(t)
	o.mu.Unlock()
}

// Advance shifts the clock forward by d.
func (o *Offset) Advance(d time.Duration) time.Time {
	o.mu.Lock()
	o.off += d
	t := time.Now().Add(o.off)
	o.mu.Unlock()
	return t
}
