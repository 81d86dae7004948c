package vcm

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPool(t *testing.T) {
	ctx := context.Background()
	t.Run("a busy key waits and honours ctx", func(t *testing.T) {
		p := newPool(4)
		l, err := p.acquire(ctx, "a", false)
		require.NoError(t, err)
		cctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
		defer cancel()
		_, err = p.acquire(cctx, "a", false)
		assert.ErrorIs(t, err, context.DeadlineExceeded)
		l.c = &conn{addr: "x"}
		p.release(l)
		l2, err := p.acquire(ctx, "a", false)
		require.NoError(t, err)
		assert.Equal(t, "x", l2.c.addr, "the released connection is reused")
		assert.Equal(t, 1, p.openCount())
	})
	t.Run("full pool evicts the oldest idle connection", func(t *testing.T) {
		p := newPool(2)
		for _, k := range []string{"a", "b"} {
			l, err := p.acquire(ctx, k, false)
			require.NoError(t, err)
			l.c = &conn{addr: k}
			p.release(l)
		}
		l, err := p.acquire(ctx, "c", false)
		require.NoError(t, err)
		assert.Nil(t, l.c, "a new slot: the caller dials")
		assert.Equal(t, 2, p.openCount())
		p.mu.Lock()
		_, aIdle := p.idle["a"]
		_, bIdle := p.idle["b"]
		p.mu.Unlock()
		assert.False(t, aIdle, "a was the oldest")
		assert.True(t, bIdle)
		p.release(l) // never dialled: the slot is freed
		assert.Equal(t, 1, p.openCount())
	})
	t.Run("full pool of busy connections waits", func(t *testing.T) {
		p := newPool(1)
		l, err := p.acquire(ctx, "a", false)
		require.NoError(t, err)
		l.c = &conn{addr: "a"}
		var wg sync.WaitGroup
		got := make(chan *lease, 1)
		wg.Go(func() {
			lb, err := p.acquire(ctx, "b", true)
			if err == nil {
				got <- lb
			}
		})
		select {
		case <-got:
			t.Fatal("acquired beyond the bound")
		case <-time.After(30 * time.Millisecond):
		}
		p.release(l)
		wg.Wait()
		lb := <-got
		assert.Equal(t, 1, p.openCount())
		lb.c = &conn{addr: "b"}
		p.release(lb)
		assert.Equal(t, 0, p.openCount(), "a transient connection is closed on release")
	})
	t.Run("close", func(t *testing.T) {
		p := newPool(2)
		l, err := p.acquire(ctx, "a", false)
		require.NoError(t, err)
		l.c = &conn{addr: "a"}
		idle, err := p.acquire(ctx, "b", false)
		require.NoError(t, err)
		idle.c = &conn{addr: "b"}
		p.release(idle)
		p.close()
		assert.Equal(t, 1, p.openCount(), "the idle one is closed, the busy one stays until released")
		p.release(l)
		assert.Equal(t, 0, p.openCount())
		_, err = p.acquire(ctx, "a", false)
		assert.ErrorIs(t, err, errClosed)
		p.close() // twice is fine
	})
}
