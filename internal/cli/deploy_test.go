package cli

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
)

// TestDeployFiles: the container image and the deployment examples say
// what the binary understands: every mdcheck command line in them parses
// with this build's commands and flags, each role is one serve knows,
// every MDCHECK_ variable is one the code reads; the image builds with
// go.mod's Go and runs as a user other than root; the Kubernetes
// selectors select the pods they are meant to.
func TestDeployFiles(t *testing.T) {
	var lines [][]string
	envs := map[string]bool{}

	compose := readYAML(t, "deploy/docker-compose.yml")
	if len(compose) != 1 {
		t.Fatalf("docker-compose.yml: %d documents", len(compose))
	}
	services, _ := compose[0]["services"].(map[string]any)
	for _, name := range []string{"postgres", "migrate", "api", "worker", "proxy"} {
		if services[name] == nil {
			t.Errorf("docker-compose.yml has no service %s", name)
		}
	}
	for name, sv := range services {
		s, _ := sv.(map[string]any)
		if s["image"] != "mdcheck:latest" {
			continue
		}
		lines = append(lines, strs(s["command"]))
		env, _ := s["environment"].(map[string]any)
		for k := range env {
			envs[k] = true
		}
		if len(env) == 0 {
			t.Errorf("compose service %s has no environment", name)
		}
	}
	if r := replicas(services["api"]); r < 2 {
		t.Errorf("two API processes or more behind the proxy: %d", r)
	}
	if r := replicas(services["worker"]); r < 3 {
		t.Errorf("three worker processes: %d", r)
	}

	docs := readYAML(t, "deploy/kubernetes/mdcheck.yaml")
	kinds := map[string]int{}
	labelsOf := map[string]map[string]any{}
	var service map[string]any
	for _, d := range docs {
		kind, _ := d["kind"].(string)
		kinds[kind]++
		meta, _ := d["metadata"].(map[string]any)
		spec, _ := d["spec"].(map[string]any)
		if meta["name"] == nil || d["apiVersion"] == nil || spec == nil {
			t.Errorf("a %s without apiVersion, metadata.name or spec", kind)
			continue
		}
		if kind == "Service" {
			service, _ = spec["selector"].(map[string]any)
			continue
		}
		tpl, _ := spec["template"].(map[string]any)
		tmeta, _ := tpl["metadata"].(map[string]any)
		labels, _ := tmeta["labels"].(map[string]any)
		if kind == "Deployment" {
			sel, _ := spec["selector"].(map[string]any)
			match, _ := sel["matchLabels"].(map[string]any)
			if len(match) == 0 || !subset(match, labels) {
				t.Errorf("deployment %v: selector %v does not select its pods %v", meta["name"], match, labels)
			}
		}
		pod, _ := tpl["spec"].(map[string]any)
		sc, _ := pod["securityContext"].(map[string]any)
		if sc["runAsNonRoot"] != true {
			t.Errorf("%s %v may run as root", kind, meta["name"])
		}
		for _, cv := range pod["containers"].([]any) {
			c, _ := cv.(map[string]any)
			args := strs(c["args"])
			lines = append(lines, args)
			for _, ev := range c["env"].([]any) {
				e, _ := ev.(map[string]any)
				envs[e["name"].(string)] = true
			}
			if len(args) > 2 && args[1] == "--role" {
				labelsOf[args[2]] = labels
				if c["readinessProbe"] == nil || c["livenessProbe"] == nil {
					t.Errorf("the %s container has no readiness or liveness probe", args[2])
				}
			}
		}
	}
	if kinds["Job"] != 1 || kinds["Deployment"] != 2 || kinds["Service"] != 1 {
		t.Errorf("kinds: %v", kinds)
	}
	if len(service) == 0 || !subset(service, labelsOf["api"]) || subset(service, labelsOf["worker"]) {
		t.Errorf("the service selects %v: the API pods %v, not the workers %v", service, labelsOf["api"], labelsOf["worker"])
	}

	// Each command line parses with this build's commands and flags.
	roles := map[string]int{}
	migrate := false
	for _, args := range lines {
		root := newRoot(io.Discard, io.Discard)
		cmd, rest, err := root.Find(args)
		if err != nil || cmd == root {
			t.Errorf("%q: no such command: %v", args, err)
			continue
		}
		if err := cmd.ParseFlags(rest); err != nil {
			t.Errorf("%q: %v", args, err)
		}
		if f := cmd.Flags().Lookup("role"); f != nil && f.Changed {
			roles[f.Value.String()]++
		}
		if f := cmd.Flags().Lookup("migrate-only"); f != nil && f.Changed {
			migrate = true
		}
	}
	if roles["api"] != 2 || roles["worker"] != 2 || len(roles) != 2 || !migrate {
		t.Errorf("roles %v and a migration step (%v), in compose and Kubernetes each", roles, migrate)
	}

	// Every MDCHECK_ variable is one the code reads.
	src := sourceText(t)
	for name := range envs {
		if strings.HasPrefix(name, "MDCHECK_") && !bytes.Contains(src, []byte(`"`+name+`"`)) {
			t.Errorf("%s is set in a deployment file but read nowhere", name)
		}
	}

	docker, err := os.ReadFile(filepath.Join(repoRoot, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	mod, err := os.ReadFile(filepath.Join(repoRoot, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	goVersion := regexp.MustCompile(`(?m)^go (\d+\.\d+)`).FindSubmatch(mod)
	if goVersion == nil || !bytes.Contains(docker, []byte("FROM golang:"+string(goVersion[1])+"-")) {
		t.Errorf("the Dockerfile does not build with go.mod's Go %s", goVersion)
	}
	user := regexp.MustCompile(`(?m)^USER (\S+)`).FindAllSubmatch(docker, -1)
	if len(user) == 0 || strings.HasPrefix(string(user[len(user)-1][1]), "0") || string(user[len(user)-1][1]) == "root" {
		t.Errorf("the image runs as root: %q", user)
	}
	if !bytes.Contains(docker, []byte("CGO_ENABLED=0")) {
		t.Error("the image's binary is not static")
	}
}

func readYAML(t *testing.T, name string) []map[string]any {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot, name))
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]any
	dec := yaml.NewDecoder(bytes.NewReader(b))
	for {
		var d map[string]any
		if err := dec.Decode(&d); err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out = append(out, d)
	}
	return out
}

func strs(v any) []string {
	var out []string
	l, _ := v.([]any)
	for _, x := range l {
		s, _ := x.(string)
		out = append(out, s)
	}
	return out
}

func replicas(v any) uint64 {
	s, _ := v.(map[string]any)
	d, _ := s["deploy"].(map[string]any)
	n, _ := d["replicas"].(uint64)
	return n
}

func subset(a, b map[string]any) bool {
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// sourceText is every non-test Go file under internal/, concatenated.
func sourceText(t *testing.T) []byte {
	t.Helper()
	var all bytes.Buffer
	err := filepath.WalkDir(filepath.Join(repoRoot, "internal"), func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return err
		}
		b, err := os.ReadFile(p)
		all.Write(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return all.Bytes()
}
