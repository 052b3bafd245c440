// Package browser drives a headless Chromium over the DevTools protocol:
// it prints a page to PDF, and opens a page to see what it asks of the
// network and the console. A page is handed over as markup, never
// fetched: the browser is started without background networking, and
// every request the page makes is blocked and recorded.
package browser

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// Env names the variable that points at a Chromium executable.
const Env = "MDCHECK_CHROMIUM"

// names are the executables looked for on PATH, in order.
var names = []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome", "headless_shell"}

// ErrNotFound is returned when no Chromium can be found.
var ErrNotFound = errors.New("no Chromium found: install Debian's chromium package (apt-get install chromium), or set " + Env + " to a Chromium or Chrome executable")

// Timeout bounds one use of the browser, start-up included.
const Timeout = 90 * time.Second

// Path is the Chromium to use: $MDCHECK_CHROMIUM, else the first of the
// usual names on PATH.
func Path() (string, error) {
	if p := os.Getenv(Env); p != "" {
		if _, err := exec.LookPath(p); err != nil {
			return "", fmt.Errorf("%s=%s: %w", Env, p, err)
		}
		return p, nil
	}
	for _, n := range names {
		if p, err := exec.LookPath(n); err == nil {
			return p, nil
		}
	}
	return "", ErrNotFound
}

// start launches a headless browser with one empty tab.
func start(parent context.Context, more ...chromedp.ExecAllocatorOption) (context.Context, context.CancelFunc, error) {
	path, err := Path()
	if err != nil {
		return nil, nil, err
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-pings", true),
		chromedp.Flag("dns-prefetch-disable", true),
	)
	opts = append(opts, more...)
	if os.Geteuid() == 0 {
		// Chromium refuses to start its sandbox as root.
		opts = append(opts, chromedp.NoSandbox)
	}
	ctx, cancelTime := context.WithTimeout(parent, Timeout)
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	bctx, cancelBrowser := chromedp.NewContext(actx)
	cancel := func() { cancelBrowser(); cancelAlloc(); cancelTime() }
	if err := chromedp.Do(bctx); err != nil {
		cancel()
		return nil, nil, fmt.Errorf("starting %s: %w", path, err)
	}
	return bctx, cancel, nil
}

// load blocks every request, then sets html as the tab's document.
func load(ctx context.Context, html []byte) error {
	return chromedp.Do(ctx, chromedp.Navigate("about:blank"), chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		if _, err := cdp.Call(ctx, t, network.Enable, network.EnableParams{}); err != nil {
			return err
		}
		if _, err := cdp.Call(ctx, t, network.SetBlockedURLs, network.SetBlockedURLsParams{URLPatterns: []*network.BlockPattern{{URLPattern: "*://*:*", Block: true}}}); err != nil {
			return err
		}
		tree, err := cdp.Call(ctx, t, page.GetFrameTree, cdp.Empty{})
		if err != nil {
			return err
		}
		_, err = cdp.Call(ctx, t, page.SetDocumentContent, page.SetDocumentContentParams{FrameID: tree.FrameTree.Frame.ID, HTML: string(html)})
		return err
	}))
}

// PDF prints the HTML page to an A4 PDF (or the page size its CSS sets),
// backgrounds included.
func PDF(parent context.Context, html []byte) ([]byte, error) {
	ctx, cancel, err := start(parent)
	if err != nil {
		return nil, err
	}
	defer cancel()
	if err := load(ctx, html); err != nil {
		return nil, fmt.Errorf("loading the page into Chromium: %w", err)
	}
	out, err := chromedp.Run(ctx, chromedp.PrintToPDF(chromedp.PDFPaper(chromedp.PaperA4), chromedp.PDFPreferCSSPageSize(), chromedp.PDFPrintBackground(),
		func(p *page.PrintToPDFParams) { t := true; p.GenerateTaggedPDF, p.GenerateDocumentOutline = &t, &t }))
	if err != nil {
		return nil, fmt.Errorf("printing to PDF in Chromium: %w", err)
	}
	return out, nil
}

// Visit is what a page did when it was opened.
type Visit struct {
	// Requests are the URLs the page asked for (each blocked).
	Requests []string
	// Console holds console errors and warnings, uncaught exceptions and
	// the browser's own error log entries (a refused resource, say).
	Console []string
	// Screenshot is a PNG of the page's first screen.
	Screenshot []byte
}

// Open loads the HTML page in a window of width x height CSS pixels and
// records what it asked of the network and the console, then takes a
// screenshot.
func Open(parent context.Context, html []byte, width, height int64) (*Visit, error) {
	ctx, cancel, err := start(parent)
	if err != nil {
		return nil, err
	}
	defer cancel()
	v := &Visit{}
	var mu sync.Mutex
	add := func(list *[]string, s string) { mu.Lock(); *list = append(*list, s); mu.Unlock() }
	if err := watch(ctx, func(u string) { add(&v.Requests, u) }, func(s string) { add(&v.Console, s) }); err != nil {
		return nil, err
	}
	err = chromedp.Do(ctx,
		chromedp.EmulateViewport(width, height),
		chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			if _, err := cdp.Call(ctx, t, runtime.Enable, cdp.Empty{}); err != nil {
				return err
			}
			_, err := cdp.Call(ctx, t, log.Enable, cdp.Empty{})
			return err
		}))
	if err == nil {
		err = load(ctx, html)
	}
	if err == nil {
		// Let late loads and timers show themselves.
		err = chromedp.Do(ctx, chromedp.Sleep(300*time.Millisecond))
	}
	if err == nil {
		v.Screenshot, err = chromedp.Run(ctx, chromedp.CaptureScreenshot())
	}
	if err != nil {
		return nil, fmt.Errorf("opening the page in Chromium: %w", err)
	}
	mu.Lock()
	defer mu.Unlock()
	return v, nil
}

// watch calls request with the URL of every request the tab makes, and
// console with every console error and warning, uncaught exception and
// error entry of the browser's own log.
func watch(ctx context.Context, request, console func(string)) error {
	return chromedp.Listen(ctx, func(ev any) {
		switch e := ev.(type) {
		case *network.EventRequestWillBeSent:
			request(e.Request.URL)
		case *runtime.EventConsoleAPICalled:
			if e.Type == runtime.ConsoleAPICalledTypeError || e.Type == runtime.ConsoleAPICalledTypeWarning || e.Type == runtime.ConsoleAPICalledTypeAssert {
				console(string(e.Type) + ": " + args(e.Args))
			}
		case *runtime.EventExceptionThrown:
			console("exception: " + e.ExceptionDetails.Text)
		case *log.EventEntryAdded:
			if e.Entry.Level == log.EntryLevelError || e.Entry.Level == log.EntryLevelWarning {
				console(string(e.Entry.Level) + ": " + e.Entry.Text + " " + e.Entry.URL)
			}
		}
	})
}

func args(as []*runtime.RemoteObject) string {
	var s []string
	for _, a := range as {
		if a.Description != "" {
			s = append(s, a.Description)
		} else {
			s = append(s, string(a.Value))
		}
	}
	return strings.Join(s, " ")
}
