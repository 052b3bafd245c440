package browser

import (
	"context"
	"net"
	"net/url"
	"sync"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// Tab is a browser tab for driving a server on loopback, as an
// end-to-end test does: nothing it loads can leave the machine (every
// request not to a loopback address goes to a proxy that is not there,
// and is recorded), and console errors and warnings are kept.
type Tab struct {
	ctx    context.Context
	cancel context.CancelFunc

	mu      sync.Mutex
	offsite []string
	console []string
}

// NewTab starts a headless browser with one tab of width x height CSS
// pixels.
func NewTab(parent context.Context, width, height int64) (*Tab, error) {
	// A proxy on a closed loopback port takes every request that is not
	// to loopback (which bypasses proxies): none reaches the network.
	ctx, cancel, err := start(parent, chromedp.ProxyServer("http://127.0.0.1:9"))
	if err != nil {
		return nil, err
	}
	t := &Tab{ctx: ctx, cancel: cancel}
	add := func(list *[]string, s string) { t.mu.Lock(); *list = append(*list, s); t.mu.Unlock() }
	if err := watch(ctx, func(u string) {
		if !Loopback(u) {
			add(&t.offsite, u)
		}
	}, func(s string) { add(&t.console, s) }); err != nil {
		cancel()
		return nil, err
	}
	err = chromedp.Do(ctx,
		chromedp.EmulateViewport(width, height),
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			for _, enable := range []func() error{
				func() error { _, err := cdp.Call(ctx, tg, network.Enable, network.EnableParams{}); return err },
				func() error { _, err := cdp.Call(ctx, tg, runtime.Enable, cdp.Empty{}); return err },
				func() error { _, err := cdp.Call(ctx, tg, log.Enable, cdp.Empty{}); return err },
			} {
				if err := enable(); err != nil {
					return err
				}
			}
			return nil
		}))
	if err != nil {
		cancel()
		return nil, err
	}
	return t, nil
}

// Context is the tab's context, for chromedp actions.
func (t *Tab) Context() context.Context { return t.ctx }

// Close closes the browser.
func (t *Tab) Close() { t.cancel() }

// Offsite are the URLs the tab asked for that are not on loopback.
func (t *Tab) Offsite() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]string(nil), t.offsite...)
}

// Console are the console's errors and warnings, exceptions and the
// browser's own error log entries.
func (t *Tab) Console() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]string(nil), t.console...)
}

// Loopback reports whether a URL is the page itself (about:, data:) or
// on a loopback address (127.0.0.0/8, ::1, localhost).
func Loopback(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	switch u.Scheme {
	case "about", "data", "blob":
		return true
	case "http", "https", "ws", "wss":
	default:
		return false
	}
	host := u.Hostname()
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
