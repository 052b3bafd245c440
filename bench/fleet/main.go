// Command fleet measures the fleet server on loopback: it loads a store
// with devices made from the shipped examples (every tenth with the
// files its model names, its SBOMs among them, uploaded too), then times the main API reads, a page of the
// device list and a device's detail, from concurrent clients, and the
// throughput of uploads whose assessments run to the end.
//
//	go run ./bench/fleet -db sqlite:/tmp/fleet.db -devices 10000
//	go run ./bench/fleet -db postgres://postgres@127.0.0.1:15432/bench -devices 10000
//
// It prints one Markdown table row per measure (docs/benchmarks.md).
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/mdcheck/mdcheck/internal/app"
	"github.com/mdcheck/mdcheck/internal/fleetapp"
	"github.com/mdcheck/mdcheck/internal/server"
	"github.com/mdcheck/mdcheck/internal/testutil/shareddata"
)

var (
	workers int
	assess  bool
)

// example is a shipped device model with the files it names.
type example struct {
	name  string
	model []byte
	files map[string][]byte
}

func examples(root string) ([]example, error) {
	dirs, err := filepath.Glob(filepath.Join(root, "examples", "*", "device.yaml"))
	if err != nil || len(dirs) == 0 {
		return nil, fmt.Errorf("no examples under %s: %v", root, err)
	}
	var out []example
	for _, m := range dirs {
		dir := filepath.Dir(m)
		ex := example{name: filepath.Base(dir), files: map[string][]byte{}}
		if ex.model, err = os.ReadFile(m); err != nil {
			return nil, err
		}
		// Every file beside the model: the SBOMs, dispositions and
		// documents it names.
		err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || p == m || strings.HasSuffix(p, ".md") {
				return err
			}
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(dir, p)
			ex.files[filepath.ToSlash(rel)] = b
			return nil
		})
		if err != nil {
			return nil, err
		}
		out = append(out, ex)
	}
	return out, nil
}

// advisories is the folder of OSV records a day of advisories is taken
// from.
var advisories string

// readAll reads every stored file of every device, as a re-match must at
// least, and returns how many bytes.
func readAll(ctx context.Context, f *fleetapp.Fleet, by fleetapp.Actor, ids []string) (int64, error) {
	var n int64
	for _, id := range ids {
		vs, err := f.Files(ctx, by, id)
		if err != nil {
			return 0, err
		}
		for _, v := range vs {
			n += int64(len(v.Body))
		}
	}
	return n, nil
}

// rematch imports a day of advisories and times the re-match of the
// whole fleet against them, beside the time to merely read every stored
// file (before and after it, in the same run).
func rematch(ctx context.Context, f *fleetapp.Fleet, by fleetapp.Actor, ids []string, store string) error {
	docs, err := shareddata.OSVDay(advisories, 100)
	if err != nil {
		return err
	}
	if len(docs) == 0 {
		fmt.Printf("| %s | re-match | skipped: no OSV records under %s |\n", store, advisories)
		return nil
	}
	start := time.Now()
	size, err := readAll(ctx, f, by, ids)
	if err != nil {
		return err
	}
	read1 := time.Since(start)
	for _, d := range docs {
		if _, err := f.ImportAdvisory(ctx, by, d); err != nil {
			return err
		}
	}
	start = time.Now()
	queued, err := f.Rematch(ctx)
	if err != nil {
		return err
	}
	match := time.Since(start)
	start = time.Now()
	if _, err := readAll(ctx, f, by, ids); err != nil {
		return err
	}
	read2 := time.Since(start)
	floor := (read1 + read2) / 2
	fmt.Printf("| %s | re-match after %d advisories | %.1f s (%d of %d devices queued); reading every stored file (%.0f MiB) %.1f s and %.1f s: %.2fx |\n", store,
		len(docs), match.Seconds(), queued, len(ids), float64(size)/(1<<20), read1.Seconds(), read2.Seconds(), match.Seconds()/floor.Seconds())
	return nil
}

func main() {
	dsn := flag.String("db", "", "store DSN (default: a new SQLite file in a temporary folder)")
	devices := flag.Int("devices", 10_000, "devices to load")
	requests := flag.Int("requests", 4_000, "requests per read measure")
	clients := flag.Int("clients", 8, "concurrent clients")
	uploads := flag.Int("uploads", 40, "uploads whose assessments run, for the throughput")
	flag.IntVar(&workers, "workers", 2, "assessments run at once")
	flag.BoolVar(&assess, "assess", false, "upload every device's files, assess the whole fleet (timed) and measure the overview")
	root := flag.String("root", ".", "the repository, for examples/")
	flag.StringVar(&advisories, "advisories", "../shared/data/osv", "OSV records, for the re-match after a day of advisories (with -assess; skipped when absent)")
	flag.Parse()
	if err := run(*dsn, *devices, *requests, *clients, *uploads, *root); err != nil {
		fmt.Fprintln(os.Stderr, "fleet:", err)
		os.Exit(1)
	}
}

func run(dsn string, devices, requests, clients, uploads int, root string) error {
	ctx := context.Background()
	tmp, err := os.MkdirTemp("", "mdcheck-bench-fleet-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	if dsn == "" {
		dsn = "sqlite:" + filepath.Join(tmp, "fleet.db")
	}
	exs, err := examples(root)
	if err != nil {
		return err
	}
	a := app.New(app.Config{DB: filepath.Join(tmp, "none.db"), Snapshot: true})
	f, err := fleetapp.Open(ctx, a, dsn)
	if err != nil {
		return err
	}
	defer f.Close()
	token, _, err := f.CreateToken(ctx, fleetapp.Actor{Token: "bench"}, fmt.Sprintf("Bench %d", time.Now().UnixNano()), fleetapp.RoleAdmin)
	if err != nil {
		return err
	}
	by, err := f.Authenticate(ctx, token)
	if err != nil {
		return err
	}
	store := strings.SplitN(dsn, ":", 2)[0]
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	s := server.New(server.Config{Fleet: f, RatePerToken: 1e9, Workers: workers})
	hs := &http.Server{Handler: s}
	go hs.Serve(ln)
	defer hs.Close()
	base := "http://" + ln.Addr().String()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients}}
	get := func(path string) error {
		req, _ := http.NewRequest("GET", base+path, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := client.Do(req)
		if err != nil {
			return err
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != 200 {
			return fmt.Errorf("GET %s: %d", path, res.StatusCode)
		}
		return nil
	}
	// Uploads whose assessments run to the end, on the empty store (a
	// backlog would be assessed first), with the workers on.
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go s.Work(wctx, 50*time.Millisecond)
	start := time.Now()
	var want []string
	for i := 0; i < uploads; i++ {
		ex := exs[i%len(exs)]
		req, _ := http.NewRequest("POST", base+"/api/v1/devices", bytes.NewReader(ex.model))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/yaml")
		res, err := client.Do(req)
		if err != nil {
			return err
		}
		var out struct{ ID string }
		json.NewDecoder(res.Body).Decode(&out)
		res.Body.Close()
		for p, b := range ex.files {
			if _, _, err := f.UploadFile(ctx, by, out.ID, p, b); err != nil {
				return err
			}
		}
		want = append(want, out.ID)
	}
	for {
		n, err := f.Pending(ctx)
		if err != nil {
			return err
		}
		if n == 0 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	el := time.Since(start)
	for _, id := range want {
		as, _, err := f.Assessments(ctx, by, id, fleetapp.Page{Limit: 500})
		if err != nil {
			return err
		}
		if last := as[len(as)-1]; last.Status != "done" {
			return fmt.Errorf("device %s: its newest assessment is %s: %s", id, last.Status, last.Error)
		}
	}
	fmt.Printf("| %s | upload and assess | %d devices, each a model and its SBOMs (%d uploads), assessed by %d workers in %.1f s: %.2f devices/s |\n", store, uploads, len(want)+countFiles(exs, uploads), workers, el.Seconds(), float64(uploads)/el.Seconds())
	cancel()

	// Load through the same use cases as uploads, from several writers.
	start = time.Now()
	ids := make([]string, devices)
	var wg sync.WaitGroup
	errs := make(chan error, clients)
	for w := 0; w < clients; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := w; i < devices; i += clients {
				ex := exs[i%len(exs)]
				d, _, err := f.AddDevice(ctx, by, append(slices.Clone(ex.model), fmt.Sprintf("# unit %d\n", i)...))
				if err != nil {
					errs <- err
					return
				}
				ids[i] = d.ID
				if i%10 != 0 && !assess {
					continue
				}
				for p, b := range ex.files {
					if _, _, err := f.UploadFile(ctx, by, d.ID, p, b); err != nil {
						errs <- err
						return
					}
				}
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return err
	}
	load := time.Since(start)
	size, _ := f.StoreSize(ctx)
	fmt.Printf("| %s | load %d devices | %.1f s, %.0f devices/s, store %.0f MiB |\n", store, devices, load.Seconds(), float64(devices)/load.Seconds(), float64(size)/(1<<20))

	if assess {
		// The whole fleet assessed, as after a change of the
		// vulnerability data.
		start = time.Now()
		wctx, stop := context.WithCancel(ctx)
		go s.Work(wctx, 50*time.Millisecond)
		for {
			n, err := f.Pending(ctx)
			if err != nil {
				stop()
				return err
			}
			if n == 0 {
				break
			}
			time.Sleep(200 * time.Millisecond)
		}
		stop()
		el := time.Since(start)
		fmt.Printf("| %s | assess the fleet | %d devices by %d workers in %.1f s: %.1f devices/s |\n", store, devices, workers, el.Seconds(), float64(devices)/el.Seconds())
		lat, err := measure(requests/10, clients, func(*rand.Rand) error { return get("/api/v1/overview") })
		if err != nil {
			return err
		}
		fmt.Printf("| %s | overview | p50 %.1f ms, p99 %.1f ms, max %.1f ms over %d requests from %d clients |\n", store,
			ms(lat[len(lat)/2]), ms(lat[len(lat)*99/100]), ms(lat[len(lat)-1]), len(lat), clients)
		if err := rematch(ctx, f, by, ids, store); err != nil {
			return err
		}
	}
	sorted := slices.Clone(ids)
	sort.Strings(sorted)
	for _, m := range []struct {
		name string
		path func(r *rand.Rand) string
	}{
		{"device list page (50)", func(r *rand.Rand) string {
			return "/api/v1/devices?limit=50&cursor=" + sorted[r.IntN(len(sorted))]
		}},
		{"device detail", func(r *rand.Rand) string { return "/api/v1/devices/" + ids[r.IntN(len(ids))] }},
	} {
		lat, err := measure(requests, clients, func(r *rand.Rand) error { return get(m.path(r)) })
		if err != nil {
			return err
		}
		fmt.Printf("| %s | %s | p50 %.1f ms, p99 %.1f ms, max %.1f ms over %d requests from %d clients |\n", store, m.name,
			ms(lat[len(lat)/2]), ms(lat[len(lat)*99/100]), ms(lat[len(lat)-1]), len(lat), clients)
	}

	return nil
}

func countFiles(exs []example, uploads int) int {
	n := 0
	for i := 0; i < uploads; i++ {
		n += len(exs[i%len(exs)].files)
	}
	return n
}

// measure runs n calls of do from clients goroutines and returns the
// latencies, sorted.
func measure(n, clients int, do func(*rand.Rand) error) ([]time.Duration, error) {
	lat := make([]time.Duration, n)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var first error
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(c), 1))
			for i := c; i < n; i += clients {
				t := time.Now()
				if err := do(r); err != nil {
					mu.Lock()
					first = err
					mu.Unlock()
					return
				}
				lat[i] = time.Since(t)
			}
		}(c)
	}
	wg.Wait()
	slices.Sort(lat)
	return lat, first
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
