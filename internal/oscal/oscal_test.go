package oscal

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/mdcheck/mdcheck/internal/app"
	"github.com/mdcheck/mdcheck/internal/catalog"
	"github.com/mdcheck/mdcheck/internal/testutil/golden"
)

func schema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open("testdata/oscal_complete_schema-1-1-3.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	const url = "http://csrc.nist.gov/ns/oscal/1.0/1.1.3/oscal-complete-schema.json"
	if err := c.AddResource(url, doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(url)
	if err != nil {
		t.Fatalf("compile OSCAL schema: %v", err)
	}
	return s
}

func validate(t *testing.T, s *jsonschema.Schema, name string, data []byte) {
	t.Helper()
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("%s is not JSON: %v", name, err)
	}
	if err := s.Validate(v); err != nil {
		t.Errorf("%s does not validate against OSCAL 1.1.3:\n%v", name, err)
	}
}

var date = time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)

func TestOSCAL(t *testing.T) {
	s := schema(t)
	var buf bytes.Buffer
	if err := Write(&buf, Catalog(catalog.Requirements(), catalog.Version, date)); err != nil {
		t.Fatal(err)
	}
	validate(t, s, "catalog", buf.Bytes())
	golden.Check(t, "catalog.json", buf.Bytes())

	res, err := app.New(app.Config{Build: app.BuildInfo{Version: "test"}}).Check(context.Background(), app.CheckOptions{Model: "../../examples/pacemaker-system/device.yaml", Date: date, NoVulns: true})
	if err != nil {
		t.Fatal(err)
	}
	rep := res.Report
	rep.Device.File = "examples/pacemaker-system/device.yaml"
	buf.Reset()
	if err := Write(&buf, Plan(rep)); err != nil {
		t.Fatal(err)
	}
	validate(t, s, "assessment plan", buf.Bytes())
	golden.Check(t, "pacemaker-plan.json", buf.Bytes())

	buf.Reset()
	if err := Write(&buf, Results(rep, "pacemaker-plan.json")); err != nil {
		t.Fatal(err)
	}
	validate(t, s, "assessment results", buf.Bytes())
	golden.Check(t, "pacemaker-results.json", buf.Bytes())
	out := buf.String()
	for _, want := range []string{`"state": "not-satisfied"`, `"reason": "other"`, `"value": "documented"`, `"href": "pacemaker-plan.json"`, `"target-id": "MDR.AI.1"`} {
		if !strings.Contains(out, want) {
			t.Errorf("assessment results lack %s", want)
		}
	}
}

// TestSchemaCatchesErrors makes sure the validation above can fail.
func TestSchemaCatchesErrors(t *testing.T) {
	s := schema(t)
	v, _ := jsonschema.UnmarshalJSON(strings.NewReader(`{"catalog": {"uuid": "not-a-uuid", "metadata": {"title": "x"}}}`))
	if err := s.Validate(v); err == nil {
		t.Error("an invalid catalog validated")
	}
}
