package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/mdcheck/mdcheck/internal/testutil/golden"
	"github.com/mdcheck/mdcheck/internal/testutil/hostile"
)

// repoRoot is the repository root, fixed before any test changes directory.
var repoRoot = func() string {
	dir, err := filepath.Abs("../..")
	if err != nil {
		panic(err)
	}
	return dir
}()

// TestMain gives the tests a user cache of their own: a vulnerability
// database on the machine running them never changes what check reports,
// and the built-in snapshot is what reading commands fall back on.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "mdcheck-cli-test")
	if err != nil {
		panic(err)
	}
	// The go command's build cache stays where it was: the tests that
	// build mdcheck would otherwise build everything from scratch.
	if os.Getenv("GOCACHE") == "" {
		if c, err := os.UserCacheDir(); err == nil {
			os.Setenv("GOCACHE", filepath.Join(c, "go-build"))
		}
	}
	os.Unsetenv("MDCHECK_DB")
	os.Setenv("XDG_CACHE_HOME", dir)
	code := m.Run()
	os.RemoveAll(dir)
	if built.path != "" {
		os.RemoveAll(filepath.Dir(built.path))
	}
	os.Exit(code)
}

// run calls Run from the repository root, so that paths in output read as
// a user would type them.
func run(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	t.Chdir(repoRoot)
	var out, errb bytes.Buffer
	code = Run(args, &out, &errb)
	return code, out.String(), errb.String()
}

func exampleNames(t *testing.T) []string {
	t.Helper()
	dirs, err := filepath.Glob("../../examples/*/device.yaml")
	if err != nil || len(dirs) < 6 {
		t.Fatalf("examples: %v (%d found)", err, len(dirs))
	}
	var names []string
	for _, d := range dirs {
		names = append(names, filepath.Base(filepath.Dir(d)))
	}
	return names
}

func TestClassifyGolden(t *testing.T) {
	for _, name := range exampleNames(t) {
		file := "examples/" + name + "/device.yaml"
		t.Run(name, func(t *testing.T) {
			code, out, errs := run(t, "classify", file)
			if code != ExitOK {
				t.Fatalf("classify %s = %d, stderr:\n%s", file, code, errs)
			}
			golden.Check(t, name+".txt", []byte(out))

			code, out, errs = run(t, "classify", "--format", "json", file)
			if code != ExitOK {
				t.Fatalf("classify --format json %s = %d, stderr:\n%s", file, code, errs)
			}
			// keys are those the JSON output promises for the system and
			// for each component.
			type keys struct {
				Class        json.RawMessage `json:"class"`
				Rule         []string        `json:"rule"`
				Decided      *bool           `json:"decided"`
				Trace        json.RawMessage `json:"trace"`
				Conformity   json.RawMessage `json:"conformity"`
				NotifiedBody json.RawMessage `json:"notifiedBody"`
				PMS          json.RawMessage `json:"pms"`
			}
			complete := func(k keys) bool {
				return k.Class != nil && k.Rule != nil && k.Decided != nil && k.Trace != nil && k.Conformity != nil && k.NotifiedBody != nil && k.PMS != nil
			}
			var v struct {
				SchemaVersion string `json:"schemaVersion"`
				keys
				Components []keys `json:"components"`
			}
			if err := json.Unmarshal([]byte(out), &v); err != nil {
				t.Fatalf("output is not JSON: %v", err)
			}
			if v.SchemaVersion == "" || !complete(v.keys) || len(v.Components) == 0 {
				t.Errorf("JSON lacks a required top-level key: %s", out[:min(len(out), 400)])
			}
			for i, c := range v.Components {
				if !complete(c) {
					t.Errorf("components[%d] lacks a required key", i)
				}
			}
			golden.Check(t, name+".json", []byte(out))
		})
	}
}

// TestClassifyTrace checks that --trace shows every rule for every
// classified component, with why it does not apply.
func TestClassifyTrace(t *testing.T) {
	code, out, errs := run(t, "classify", "--trace", "examples/insulin-pump/device.yaml")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	golden.Check(t, "insulin-pump-trace.txt", []byte(out))
	for _, want := range []string{"Rule 22: does not apply", "Rule 5: does not apply: not invasive through a body orifice", "Implementing rule 3.3: does not apply"} {
		if !strings.Contains(out, want) {
			t.Errorf("--trace output lacks %q", want)
		}
	}
	if strings.Contains(out, "Not applicable:") {
		t.Error("--trace output still folds rules that do not apply")
	}
}

// TestClassifyExpected pins what a regulatory professional expects of the
// examples, independent of the golden files' wording.
func TestClassifyExpected(t *testing.T) {
	want := map[string]map[string]string{
		"pacemaker-system":    {"": "III Rule 8, Rule 9", "implant": "III Rule 8", "programmer": "III Rule 9", "home-monitor": "III Rule 9", "portal": "III Rule 9"},
		"infusion-pump":       {"": "IIb Rule 12, Implementing rule 3.3", "pump": "IIb Rule 12", "drug-library": "IIb Implementing rule 3.3"},
		"icu-patient-monitor": {"": "IIb Rule 10", "monitor": "IIb Rule 10", "central-station": "IIb Rule 10"},
		"insulin-pump":        {"pump": "IIb Rule 12", "app": "IIb Rule 11, Implementing rule 3.3"},
		"radiology-viewer":    {"viewer": "IIa Rule 11"},
		"bp-monitor":          {"cuff-monitor": "IIa Rule 10", "app": "IIa Rule 11"},
	}
	for name, comps := range want {
		t.Run(name, func(t *testing.T) {
			code, out, errs := run(t, "classify", "-f", "json", "examples/"+name+"/device.yaml")
			if code != ExitOK {
				t.Fatalf("exit %d: %s", code, errs)
			}
			var v struct {
				Label      string   `json:"label"`
				Rule       []string `json:"rule"`
				Decided    bool     `json:"decided"`
				Components []struct {
					Component string   `json:"component"`
					Label     string   `json:"label"`
					Rule      []string `json:"rule"`
					Decided   bool     `json:"decided"`
				} `json:"components"`
			}
			if err := json.Unmarshal([]byte(out), &v); err != nil {
				t.Fatal(err)
			}
			got := map[string]string{"": v.Label + " " + strings.Join(v.Rule, ", ")}
			if !v.Decided {
				t.Errorf("system undecided")
			}
			for _, c := range v.Components {
				got[c.Component] = c.Label + " " + strings.Join(c.Rule, ", ")
			}
			for id, w := range comps {
				if got[id] != w {
					t.Errorf("%q = %q, want %q", id, got[id], w)
				}
			}
		})
	}
}

func TestExitCodes(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("apiVersion: mdcheck.dev/v1\nkind: Device\nidentity: {manufacturer: A, product: B}\ncomponents: [{id: a, name: a, kind: gateway, role: non-devise}]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ivdr := filepath.Join(dir, "ivdr.yaml")
	if err := os.WriteFile(ivdr, []byte("apiVersion: mdcheck.dev/v1\nkind: Device\nidentity: {manufacturer: A, product: B}\nregulation: {basis: ivdr}\ncomponents: [{id: a, name: a, kind: gateway, role: device}]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"validate examples", []string{"validate", "examples/pacemaker-system/device.yaml", "examples/bp-monitor/device.yaml"}, ExitOK, ""},
		{"validate bad", []string{"validate", bad}, ExitInput, `bad.yaml:4:52: components[0].role: "non-devise" is not one of device, accessory, part, non-device (did you mean "non-device"?)`},
		{"validate missing", []string{"validate", filepath.Join(dir, "none.yaml")}, ExitInput, "no such file"},
		{"validate no args", []string{"validate"}, ExitInput, "needs at least 1 argument"},
		{"classify bad", []string{"classify", bad}, ExitInput, "bad.yaml:4:52"},
		{"classify ivdr", []string{"classify", ivdr}, ExitInput, "MDR only"},
		{"classify bad format", []string{"classify", "-f", "xml", "examples/bp-monitor/device.yaml"}, ExitInput, "--format must be table or json"},
		{"unknown flag", []string{"classify", "--frmat", "json", "x"}, ExitInput, "unknown flag"},
		{"unknown command", []string{"clasify"}, ExitInput, "unknown command"},
		{"schema", []string{"schema"}, ExitOK, ""},
	}
	for _, tt := range tests {
		t.Run(strings.ReplaceAll(tt.name, " ", "_"), func(t *testing.T) {
			code, _, errs := run(t, tt.args...)
			if code != tt.code {
				t.Errorf("mdcheck %v = %d, want %d; stderr:\n%s", tt.args, code, tt.code, errs)
			}
			if !strings.Contains(errs, tt.stderr) {
				t.Errorf("stderr %q does not contain %q", errs, tt.stderr)
			}
		})
	}
}

// TestHostileInputMemory runs the real mdcheck binary on each hostile
// model and checks that it refuses it with exit code 2 while its peak
// resident memory stays under 256 MiB.
//
// Linux keeps a process's peak RSS across exec, and Go starts children
// with vfork, so a child of this (large) test process would report this
// process's peak. The test therefore re-runs its own binary as a small
// helper that starts mdcheck and reports the peak RSS of that child.
func TestHostileInputMemory(t *testing.T) {
	t.Parallel() // a child process of its own: it overlaps the others
	bin, dir := buildBinary(t)
	inputs := hostile.Models()
	big := make([]byte, 0, 50<<20)
	big = append(big, "apiVersion: mdcheck.dev/v1\n# "...)
	big = append(big, bytes.Repeat([]byte("x"), 50<<20)...)
	inputs["50MB"] = big
	for name, data := range inputs {
		t.Run(name, func(t *testing.T) {
			file := filepath.Join(dir, name+".yaml")
			if err := os.WriteFile(file, data, 0o644); err != nil {
				t.Fatal(err)
			}
			measure(t, ExitInput, bin, "validate", file)
		})
		// The same bytes as the dispositions file a valid model names, for
		// the inputs that test its own bounds (size, tokens, expansion):
		// the rest of the pipeline is the model's, tested above.
		if name != "50MB" && name != "many-keys" && name != "billion-laughs" && name != "struct-laughs" {
			continue
		}
		t.Run("dispositions-"+name, func(t *testing.T) {
			disp := filepath.Join(dir, name+".dispositions.yaml")
			if err := os.WriteFile(disp, data, 0o644); err != nil {
				t.Fatal(err)
			}
			file := filepath.Join(dir, name+".with-dispositions.yaml")
			if err := os.WriteFile(file, []byte(hostile.Minimal+"dispositionsFile: "+filepath.Base(disp)+"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			measureNaming(t, ExitInput, disp, bin, "validate", file)
		})
	}
}

// TestHostileSBOMMemory does the same for SBOMs read by `mdcheck sbom`:
// each hostile file is refused with a clear error, a large valid one is
// read, and memory stays under 256 MiB.
func TestHostileSBOMMemory(t *testing.T) {
	t.Parallel() // a child process of its own: it overlaps the others
	bin, dir := buildBinary(t)
	for name, data := range hostile.SBOMs() {
		t.Run(name, func(t *testing.T) {
			file := filepath.Join(dir, name)
			if err := os.WriteFile(file, data, 0o644); err != nil {
				t.Fatal(err)
			}
			want := ExitInput
			if name == "cdx-30MB-components" {
				want = ExitOK
			}
			measure(t, want, bin, "sbom", "-f", "json", file)
		})
	}
	t.Run("1GB", func(t *testing.T) {
		file := sparseFile(t, filepath.Join(dir, "huge.json"), 1<<30)
		measure(t, ExitInput, bin, "sbom", file)
	})
}

// sparseFile creates a file of size zero bytes that takes no disk space.
func sparseFile(t *testing.T, path string, size int64) string {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := f.Truncate(size); err != nil {
		t.Fatal(err)
	}
	return path
}

// buildBinary builds mdcheck into a temporary folder.
func buildBinary(t *testing.T) (bin, dir string) {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the binary; skipped with -short")
	}
	built.once.Do(func() {
		goBin, err := exec.LookPath("go")
		if err != nil {
			built.err = fmt.Errorf("go toolchain not found to build mdcheck: %w", err)
			return
		}
		d, err := os.MkdirTemp("", "mdcheck-bin")
		if err != nil {
			built.err = err
			return
		}
		built.path = filepath.Join(d, "mdcheck")
		build := exec.Command(goBin, "build", "-o", built.path, "../../cmd/mdcheck")
		if out, err := build.CombinedOutput(); err != nil {
			built.err = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if built.err != nil {
		if os.Getenv("CI") == "true" || !strings.Contains(built.err.Error(), "not found") {
			t.Fatal(built.err)
		}
		t.Skip(built.err)
	}
	return built.path, t.TempDir()
}

// built is the binary the tests that need one share: built once per run.
var built struct {
	once sync.Once
	path string
	err  error
}

// measure runs bin with args through the helper process and checks its
// exit code, that its error names the input file, and its peak RSS. It
// returns the child's stderr.
func measure(t *testing.T, wantCode int, bin string, args ...string) string {
	t.Helper()
	return measureNaming(t, wantCode, args[len(args)-1], bin, args...)
}

// measureNaming is measure where a failure must name file, not the last
// argument.
func measureNaming(t *testing.T, wantCode int, file, bin string, args ...string) string {
	t.Helper()
	const limit = 256 << 20
	helper := exec.Command(os.Args[0], "-test.run=^TestMemoryHelper$")
	helper.Env = append(os.Environ(), "MDCHECK_MEMORY_HELPER="+strings.Join(append([]string{bin}, args...), "\x1f"))
	var stdout, stderr bytes.Buffer
	helper.Stdout, helper.Stderr = &stdout, &stderr
	if err := helper.Run(); err != nil {
		t.Fatalf("helper: %v\n%s", err, stderr.String())
	}
	var code int
	var peakKB int64
	if _, err := fmt.Sscanf(lastLine(stdout.String()), "exit=%d maxrss=%d", &code, &peakKB); err != nil {
		t.Fatalf("helper output %q: %v", lastLine(stdout.String()), err)
	}
	if code != wantCode {
		t.Errorf("exit code %d, want %d; stderr:\n%s", code, wantCode, firstLine(stderr.String()))
	}
	if wantCode != ExitOK && !strings.Contains(stderr.String(), file) {
		t.Errorf("stderr does not name the file: %s", firstLine(stderr.String()))
	}
	peak := peakKB << 10
	t.Logf("peak RSS %d MiB: %s", peak>>20, firstLine(stderr.String()))
	if peak > limit {
		t.Errorf("peak RSS %d MiB, want under %d MiB", peak>>20, limit>>20)
	}
	return stderr.String()
}

// TestMemoryHelper is not a test: TestHostileInputMemory runs it in a
// fresh process to start mdcheck and report the child's exit code and
// peak RSS (kilobytes) on stdout, passing its stderr through.
func TestMemoryHelper(t *testing.T) {
	spec := os.Getenv("MDCHECK_MEMORY_HELPER")
	if spec == "" {
		t.Skip("helper process for TestHostileInputMemory")
	}
	args := strings.Split(spec, "\x1f")
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stderr = os.Stderr
	_ = cmd.Run()
	ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		t.Fatal("no rusage on this platform")
	}
	fmt.Printf("\nexit=%d maxrss=%d\n", cmd.ProcessState.ExitCode(), ru.Maxrss)
}

// lastLine returns the helper's report line.
func lastLine(s string) string {
	for _, l := range strings.Split(s, "\n") {
		if strings.HasPrefix(l, "exit=") {
			return l
		}
	}
	return ""
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// TestReadmeRun checks that the runs shown in the README are what mdcheck
// prints: every line of a README block (but "..." elisions) must appear in
// the real output, in order.
func TestReadmeRun(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join(repoRoot, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, cmd := range []string{
		"$ go run ./cmd/mdcheck classify examples/pacemaker-system/device.yaml",
		"$ mdcheck check --date 2026-11-29 examples/pacemaker-system/device.yaml",
		"$ mdcheck check --date 2026-11-29 --profile manufacturer examples/pacemaker-system/device.yaml",
		"$ mdcheck check --date 2026-11-29 --reviews examples/early-warning/reviews.yaml examples/early-warning/device.yaml",
	} {
		_, block, ok := strings.Cut(string(readme), cmd+"\n")
		if !ok {
			t.Fatalf("README has no block starting with %q", cmd)
		}
		block, _, _ = strings.Cut(block, "```")
		args := strings.Fields(cmd)
		if args[1] == "go" {
			args = args[4:]
		} else {
			args = args[2:]
		}
		readmeBlock(t, block, args)
	}
}

func readmeBlock(t *testing.T, block string, args []string) {
	t.Helper()
	code, out, errs := run(t, args...)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	// What a terminal shows: standard error's notes come first.
	rest := errs + out
	for _, line := range strings.Split(strings.TrimRight(block, "\n"), "\n") {
		if strings.TrimSpace(line) == "..." {
			continue
		}
		i := strings.Index(rest, line+"\n")
		if i < 0 {
			t.Errorf("README line not in the output (in order):\n%s", line)
			continue
		}
		rest = rest[i+len(line)+1:]
	}
}
