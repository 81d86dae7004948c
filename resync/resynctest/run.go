package resynctest

import (
	"context"
	"errors"
	"fmt"
	"testing"
)

// Run builds a fresh estate from m, calls fn with it and a context that
// ends when fn returns, and closes the estate: govmomi's simulator.Run
// for a whole CMS. An error building the estate or a panic in fn is
// returned as an error (fn's own error as it is).
func Run(m Model, fn func(ctx context.Context, e *Estate) error, opts ...Option) (err error) {
	if fn == nil {
		return errors.New("resynctest: run: nil func")
	}
	e, err := New(m, opts...)
	if err != nil {
		return err
	}
	defer e.Close()
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("resynctest: run: panic: %v", r)
		}
	}()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	return fn(ctx, e)
}

// Test builds a fresh estate from m for a test, calls fn with the test's
// context and the estate, and closes the estate when the test ends: the
// govmomi simulator.Test of this SDK. A model that cannot be built fails
// the test at once.
func Test(t testing.TB, m Model, fn func(ctx context.Context, e *Estate), opts ...Option) {
	t.Helper()
	e, err := New(m, opts...)
	if err != nil {
		t.Fatalf("resynctest: %v", err)
		return
	}
	t.Cleanup(e.Close)
	fn(t.Context(), e)
}
