package feeds

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"
)

// The slowest transfer a download may keep up: at least stallBytes in
// every stallWindow, or it is dropped. A server that trickles a body
// would otherwise hold an update (and the CI job running it) for days.
const (
	defaultStallWindow = 30 * time.Second
	defaultStallBytes  = 8 << 10
)

// errStalled is why a stalled download was dropped.
var errStalled = errors.New("the transfer stalled")

// watch returns a context for one request that is cancelled when the
// response body, once read through the returned wrapper, makes less
// progress than the mirror's minimum; stop ends the watch.
func (m *Mirror) watch(ctx context.Context) (context.Context, func(io.Reader) io.Reader, func()) {
	ctx, cancel := context.WithCancelCause(ctx)
	var got atomic.Int64
	var mu sync.Mutex // guards timer and last
	var timer *time.Timer
	var last int64
	window, least := m.StallWindow, m.StallBytes
	if window <= 0 {
		window = defaultStallWindow
	}
	if least <= 0 {
		least = defaultStallBytes
	}
	wrap := func(r io.Reader) io.Reader {
		mu.Lock()
		defer mu.Unlock()
		timer = time.AfterFunc(window, func() {
			mu.Lock()
			defer mu.Unlock()
			n := got.Load()
			if n-last < least {
				cancel(fmt.Errorf("%w: %d bytes in the last %v, fewer than the %d required", errStalled, n-last, window, least))
				return
			}
			last = n
			timer.Reset(window)
		})
		return &progressReader{r: r, n: &got}
	}
	return ctx, wrap, func() {
		mu.Lock()
		if timer != nil {
			timer.Stop()
		}
		mu.Unlock()
		cancel(nil)
	}
}

type progressReader struct {
	r io.Reader
	n *atomic.Int64
}

func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	p.n.Add(int64(n))
	return n, err
}

// why says why a request failed: its context's cause when it was the
// stall watch's (or the update's deadline), else err.
func why(ctx context.Context, err error) error {
	if cause := context.Cause(ctx); cause != nil && !errors.Is(cause, context.Canceled) {
		return cause
	}
	return err
}
