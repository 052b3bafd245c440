// Command scale measures the fleet server split into processes on one
// PostgreSQL: it loads a fleet whose devices carry the real SBOMs of a
// folder (each device one of them, in turn: their shapes and sizes),
// assesses it with worker processes of the mdcheck binary, then times
// the whole re-match after a day of advisories is imported with 1, 2
// and 4 worker processes (one job at a time each), beside the time to
// merely read every stored SBOM, and the fleet overview's latency from
// two API processes while the re-match runs.
//
// The devices that carry one real SBOM share its bytes, as the units of
// one model or firmware release do, and a worker parses each distinct
// SBOM once; with -distinct each device's bytes are its own, and every
// device's SBOM is fetched and parsed.
//
//	scripts/test-postgres.sh start /tmp/pg
//	go run ./bench/scale -db 'postgres://postgres@127.0.0.1:15432/postgres?sslmode=disable' -devices 10000
//
// It prints one Markdown table row per measure (docs/benchmarks.md).
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mdcheck/mdcheck/internal/app"
	"github.com/mdcheck/mdcheck/internal/fleetapp"
	"github.com/mdcheck/mdcheck/internal/testutil/shareddata"
)

type sbom struct {
	name       string
	body       []byte
	components int
}

// sboms reads the folder's SBOMs that mdcheck reads, with their
// component counts.
func sboms(ctx context.Context, a *app.App, dir string) ([]sbom, error) {
	var out []sbom
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		res, err := a.ReadSBOMs(ctx, []string{p})
		if err != nil {
			fmt.Fprintf(os.Stderr, "scale: passing over %s: %v\n", p, err)
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		out = append(out, sbom{name: filepath.Base(p), body: b, components: len(res[0].Components)})
		return nil
	})
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out, err
}

// proc is a running mdcheck serve process.
type proc struct {
	cmd  *exec.Cmd
	addr string
}

func spawn(bin string, env []string, role string) (*proc, error) {
	cmd := exec.Command(bin, "serve", "--role", role, "--workers", "1", "--addr", "127.0.0.1:0")
	cmd.Env = env
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		cmd.Process.Kill()
		return nil, fmt.Errorf("serve --role %s printed no address: %v", role, err)
	}
	go io.Copy(io.Discard, out)
	_, rest, _ := strings.Cut(line, "http://")
	return &proc{cmd: cmd, addr: strings.Fields(rest)[0]}, nil
}

func (p *proc) stop() {
	p.cmd.Process.Signal(os.Interrupt)
	p.cmd.Wait()
}

func main() {
	dsn := flag.String("db", "", "a PostgreSQL URL (required)")
	devices := flag.Int("devices", 10_000, "devices to load")
	sbomDir := flag.String("sboms", "../shared/data/sbom", "real SBOMs, each device carrying one in turn")
	osvDir := flag.String("advisories", "../shared/data/osv", "OSV records, a day of which is imported")
	dayN := flag.Int("day", 100, "advisories in the day")
	counts := flag.String("workers", "1,2,4", "worker processes per re-match run")
	reuse := flag.String("fleet", "", "the organisation of an earlier run's fleet in the database: re-match it again, without loading and assessing a new one")
	flag.BoolVar(&distinct, "distinct", false, "give each device an SBOM of its own bytes (a real one with blanks added after it), so that no two share one")
	flag.Parse()
	if !strings.HasPrefix(*dsn, "postgres") {
		fmt.Fprintln(os.Stderr, "scale: -db must name a PostgreSQL database (processes share it)")
		os.Exit(2)
	}
	if err := run(*dsn, *reuse, *devices, *sbomDir, *osvDir, *dayN, *counts); err != nil {
		fmt.Fprintln(os.Stderr, "scale:", err)
		os.Exit(1)
	}
}

func run(dsn, reuse string, devices int, sbomDir, osvDir string, dayN int, counts string) error {
	ctx := context.Background()
	tmp, err := os.MkdirTemp("", "mdcheck-bench-scale-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	bin := filepath.Join(tmp, "mdcheck")
	if out, err := exec.Command("go", "build", "-o", bin, "./cmd/mdcheck").CombinedOutput(); err != nil {
		return fmt.Errorf("go build: %v %s", err, out)
	}
	a := app.New(app.Config{DB: filepath.Join(tmp, "none.db"), Snapshot: true})
	ss, err := sboms(ctx, a, sbomDir)
	if err != nil || len(ss) == 0 {
		return fmt.Errorf("no SBOMs under %s: %v", sbomDir, err)
	}
	f, err := fleetapp.Open(ctx, a, dsn)
	if err != nil {
		return err
	}
	defer f.Close()
	org := reuse
	if org == "" {
		org = fmt.Sprintf("Scale %d", time.Now().UnixNano())
	}
	token, _, err := f.CreateToken(ctx, fleetapp.Actor{Token: "bench"}, org, fleetapp.RoleAdmin)
	if err != nil {
		return err
	}
	by, err := f.Authenticate(ctx, token)
	if err != nil {
		return err
	}
	env := func(name string) []string {
		home := filepath.Join(tmp, name)
		return append(os.Environ(), "MDCHECK_FLEET_DB="+dsn, "MDCHECK_AUDIT_KEY="+filepath.Join(tmp, "audit-key"),
			"XDG_DATA_HOME="+filepath.Join(home, "data"), "XDG_CACHE_HOME="+filepath.Join(home, "cache"), "GOMAXPROCS=1")
	}

	var ids []string
	if reuse != "" {
		if ids, err = fleetIDs(ctx, f, by); err != nil || len(ids) == 0 {
			return fmt.Errorf("the fleet of %q: %d devices (%v)", reuse, len(ids), err)
		}
		fmt.Printf("| fleet | %d devices of %q, loaded and assessed by an earlier run |\n", len(ids), reuse)
	} else if ids, err = load(ctx, f, by, ss, devices, org); err != nil {
		return err
	} else {
		// The first assessment of every device, by two worker processes.
		start := time.Now()
		if err := withWorkers(bin, env, 2, func() error { return drained(ctx, f) }); err != nil {
			return err
		}
		fmt.Printf("| assess the fleet | %d devices by 2 worker processes in %.1f s: %.1f devices/s |\n", devices, time.Since(start).Seconds(), float64(devices)/time.Since(start).Seconds())
	}
	return rematch(ctx, f, by, token, bin, env, ids, osvDir, dayN, counts)
}

// fleetIDs lists the organisation's devices.
func fleetIDs(ctx context.Context, f *fleetapp.Fleet, by fleetapp.Actor) ([]string, error) {
	var ids []string
	for p := (fleetapp.Page{Limit: 500}); ; {
		ds, next, err := f.Devices(ctx, by, fleetapp.DeviceFilter{}, p)
		if err != nil {
			return nil, err
		}
		for _, d := range ds {
			ids = append(ids, d.ID)
		}
		if next == "" {
			return ids, nil
		}
		p.After = next
	}
}

// distinct makes each device's SBOM bytes its own (-distinct).
var distinct bool

// own is s's body made device i's own: blanks after the document, a
// space or a tab for each bit of i, which every reader skips.
func own(body []byte, i int) []byte {
	out := append(slices.Clip(body), '\n')
	for ; i > 0; i >>= 1 {
		out = append(out, " \t"[i&1])
	}
	return append(out, '\n')
}

// load adds the devices, each a model naming one SBOM, the SBOM
// uploaded, and returns their IDs.
func load(ctx context.Context, f *fleetapp.Fleet, by fleetapp.Actor, ss []sbom, devices int, org string) ([]string, error) {
	start := time.Now()
	components := 0
	ids := make([]string, devices)
	var bytesIn int64
	for i := range devices {
		s := ss[i%len(ss)]
		model := fmt.Sprintf("apiVersion: mdcheck.dev/v1\nkind: Device\nidentity: {manufacturer: Scale, product: Device %d, model: M%d}\ncomponents:\n  - {id: sw, name: Software, kind: standalone-software, role: device, sbom: sbom/%s}\n", i, i, s.name)
		d, _, err := f.AddDevice(ctx, by, []byte(model))
		if err != nil {
			return nil, fmt.Errorf("device %d: %w", i, err)
		}
		body := s.body
		if distinct {
			body = own(body, i+1)
		}
		if _, _, err := f.UploadFile(ctx, by, d.ID, "sbom/"+s.name, body); err != nil {
			return nil, fmt.Errorf("device %d, %s: %w", i, s.name, err)
		}
		ids[i] = d.ID
		components += s.components
		bytesIn += int64(len(body))
	}
	size, _ := f.StoreSize(ctx)
	kind := "the same bytes for the devices of one"
	if distinct {
		kind = "each device's bytes its own"
	}
	fmt.Printf("| load | %d devices carrying %d SBOM components (%d real SBOMs in turn, %s; %.0f MiB) in %.1f s; store %.0f MiB; organisation %q |\n",
		devices, components, len(ss), kind, float64(bytesIn)/(1<<20), time.Since(start).Seconds(), float64(size)/(1<<20), org)
	return ids, nil
}

// rematch times, for each count of worker processes, the re-match of
// the day against the fleet beside the floor, and the overview meanwhile.
func rematch(ctx context.Context, f *fleetapp.Fleet, by fleetapp.Actor, token, bin string, env func(string) []string, ids []string, osvDir string, dayN int, counts string) error {
	// The floor: reading every stored SBOM.
	floor := func() (time.Duration, error) {
		start := time.Now()
		for _, id := range ids {
			if _, err := f.Files(ctx, by, id); err != nil {
				return 0, err
			}
		}
		return time.Since(start), nil
	}
	docs, err := shareddata.OSVDay(osvDir, dayN)
	if err != nil || len(docs) == 0 {
		return fmt.Errorf("no OSV records under %s: %v", osvDir, err)
	}
	var ns []int
	for _, c := range strings.Split(counts, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(c))
		if err != nil || n < 1 {
			return fmt.Errorf("-workers %q", counts)
		}
		ns = append(ns, n)
	}
	apis := [2]*proc{}
	for i := range apis {
		if apis[i], err = spawn(bin, env(fmt.Sprintf("api%d", i)), "api"); err != nil {
			return err
		}
		defer apis[i].stop()
	}
	for _, n := range ns {
		read1, err := floor()
		if err != nil {
			return err
		}
		completed := func() (n int64) {
			st, _ := f.JobStates(ctx)
			for _, c := range st.Counts {
				if c.Kind == "mdcheck_assess" && c.State == "completed" {
					n = c.Count
				}
			}
			return n
		}
		before := completed()
		var lat []time.Duration
		t0 := time.Now()
		err = withWorkers(bin, env, n, func() error {
			// The day arrives; the re-match is done when every job it
			// made has run.
			t0 = time.Now()
			for _, d := range docs {
				if _, err := f.ImportAdvisory(ctx, by, d); err != nil {
					return err
				}
			}
			stop := make(chan struct{})
			var wg sync.WaitGroup
			var mu sync.Mutex
			for c := range 4 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					client := &http.Client{}
					for i := 0; ; i++ {
						select {
						case <-stop:
							return
						default:
						}
						req, _ := http.NewRequest("GET", "http://"+apis[(c+i)%2].addr+"/api/v1/overview", nil)
						req.Header.Set("Authorization", "Bearer "+token)
						s := time.Now()
						res, err := client.Do(req)
						if err != nil {
							continue
						}
						io.Copy(io.Discard, res.Body)
						res.Body.Close()
						mu.Lock()
						lat = append(lat, time.Since(s))
						mu.Unlock()
						time.Sleep(50 * time.Millisecond)
					}
				}()
			}
			err := drained(ctx, f)
			close(stop)
			wg.Wait()
			return err
		})
		if err != nil {
			return err
		}
		took := time.Since(t0)
		read2, err := floor()
		if err != nil {
			return err
		}
		assessed := completed() - before
		fl := (read1 + read2) / 2
		slices.Sort(lat)
		q := func(p float64) float64 {
			if len(lat) == 0 {
				return 0
			}
			return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000
		}
		fmt.Printf("| re-match, %d worker process(es) | %d advisories imported and every device they reach assessed again (%d assessment jobs) in %.1f s; reading every stored SBOM %.1f s and %.1f s: %.2fx; overview from 2 API processes meanwhile p50 %.1f ms, p99 %.1f ms over %d requests |\n",
			n, len(docs), assessed, took.Seconds(), read1.Seconds(), read2.Seconds(), took.Seconds()/fl.Seconds(), q(0.5), q(0.99), len(lat))
	}
	return nil
}

// withWorkers runs fn with n worker processes running.
func withWorkers(bin string, env func(string) []string, n int, fn func() error) error {
	var ps []*proc
	defer func() {
		for _, p := range ps {
			p.stop()
		}
	}()
	for i := range n {
		p, err := spawn(bin, env(fmt.Sprintf("worker%d", i)), "worker")
		if err != nil {
			return err
		}
		ps = append(ps, p)
	}
	return fn()
}

// drained waits until no assessment waits or runs and every job of the
// store has finished.
func drained(ctx context.Context, f *fleetapp.Fleet) error {
	for {
		time.Sleep(500 * time.Millisecond)
		n, err := f.Pending(ctx)
		if err != nil {
			return err
		}
		if n > 0 {
			continue // counting the jobs reads them all: only at the end
		}
		st, err := f.JobStates(ctx)
		if err != nil {
			return err
		}
		busy := false
		for _, c := range st.Counts {
			switch c.State {
			case "available", "running", "retryable", "scheduled", "pending":
				if c.Kind != "mdcheck_deliver" {
					busy = true
				}
			}
		}
		if n == 0 && !busy {
			return nil
		}
	}
}
