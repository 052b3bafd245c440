// Package policy lets users add rules without recompiling mdcheck: a
// policy file holds rules whose check is a CEL expression over the same
// device facts the built-in rules see. A hospital encodes its procurement
// rules this way, a manufacturer its house rules.
//
// Policy rules become catalog rules, so their findings carry statuses,
// evidence, strength and waivers exactly like built-in ones. A fact an
// expression reads that the model leaves out makes the finding Unknown,
// never Pass. Evaluation is bounded by a CEL cost limit.
package policy

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/ext"
	"github.com/goccy/go-yaml"

	"github.com/mdcheck/mdcheck/internal/boundedio"
	"github.com/mdcheck/mdcheck/internal/catalog"
	"github.com/mdcheck/mdcheck/internal/yamlsafe"
)

// SchemaVersion names the variables a policy expression sees; see
// docs/policies.md. It changes whenever a variable changes meaning.
const SchemaVersion = "mdcheck.dev/policy/v1"

// Limits.
const (
	maxFile = 1 << 20
	// CostLimit bounds one evaluation of one expression (CEL cost units,
	// roughly one per operation and per element visited).
	CostLimit = 100_000
	maxRules  = 1000
)

// Policy is a loaded policy file.
type Policy struct {
	File  string
	Name  string
	Rules []Rule
}

// Rule is one policy rule, compiled.
type Rule struct {
	ID           string
	Title        string
	Severity     catalog.Severity
	Requirements []string
	Rationale    string
	Remediation  string
	// Each is device, component or interface: what one finding is about.
	Each  string
	Cite  []string
	where cel.Program
	check cel.Program
	pos   string // file:line of the rule's check, for run-time errors
}

// fileRule is the YAML shape of a rule.
type fileRule struct {
	ID           string   `yaml:"id"`
	Title        string   `yaml:"title"`
	Severity     string   `yaml:"severity"`
	Requirements []string `yaml:"requirements"`
	Rationale    string   `yaml:"rationale"`
	Remediation  string   `yaml:"remediation"`
	Each         string   `yaml:"each"`
	Where        string   `yaml:"where"`
	Check        string   `yaml:"check"`
	Cite         []string `yaml:"cite"`
}

type fileDoc struct {
	APIVersion  string     `yaml:"apiVersion"`
	Kind        string     `yaml:"kind"`
	Name        string     `yaml:"name"`
	Description string     `yaml:"description"`
	Rules       []fileRule `yaml:"rules"`
}

var idPattern = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^[a-z][a-z0-9]*(-[a-z0-9]+)*/[a-z0-9]+(-[a-z0-9]+)*$`)
})

// Load reads and compiles a policy file. requirements lists the catalog's
// requirement IDs, builtin the built-in rule IDs a policy may not reuse.
func Load(file string, requirements, builtin []string) (*Policy, error) {
	data, err := boundedio.ReadFile(file, maxFile)
	var tl *boundedio.TooLargeError
	if errors.As(err, &tl) {
		return nil, fmt.Errorf("%s: policy file is larger than %d bytes", file, maxFile)
	}
	if err != nil {
		return nil, err
	}
	return Parse(file, data, requirements, builtin)
}

// Parse is Load on bytes; name is used in messages.
func Parse(name string, data []byte, requirements, builtin []string) (*Policy, error) {
	if len(data) > maxFile {
		return nil, fmt.Errorf("%s: policy file is larger than %d bytes", name, maxFile)
	}
	var doc fileDoc
	astFile, err := yamlsafe.Decode(name, data, yamlsafe.Limits{MaxDepth: 32, MaxIndent: 128, MaxLineLength: 16 << 10, MaxCommas: 20_000}, &doc)
	if err != nil {
		return nil, err
	}
	at := func(path string) string {
		p, err := yaml.PathString(path)
		if err != nil {
			return name
		}
		n, err := p.FilterFile(astFile)
		if err != nil || n == nil || n.GetToken() == nil {
			return name
		}
		return fmt.Sprintf("%s:%d:%d", name, n.GetToken().Position.Line, n.GetToken().Position.Column)
	}
	if doc.APIVersion != "mdcheck.dev/v1" || doc.Kind != "Policy" {
		return nil, fmt.Errorf("%s: a policy file starts with apiVersion: mdcheck.dev/v1 and kind: Policy", at("$.apiVersion"))
	}
	if len(doc.Rules) == 0 || len(doc.Rules) > maxRules {
		return nil, fmt.Errorf("%s: a policy needs between 1 and %d rules", at("$.rules"), maxRules)
	}
	env, err := newEnv()
	if err != nil {
		return nil, err
	}
	p := &Policy{File: name, Name: doc.Name}
	seen := map[string]bool{}
	for i, fr := range doc.Rules {
		base := fmt.Sprintf("$.rules[%d]", i)
		r, err := compileRule(env, fr, func(field string) string { return at(base + "." + field) }, requirements, builtin)
		if err != nil {
			return nil, err
		}
		if seen[r.ID] {
			return nil, fmt.Errorf("%s: rule id %q is used twice", at(base+".id"), r.ID)
		}
		seen[r.ID] = true
		p.Rules = append(p.Rules, r)
	}
	return p, nil
}

func compileRule(env *cel.Env, fr fileRule, at func(string) string, requirements, builtin []string) (Rule, error) {
	r := Rule{ID: fr.ID, Title: fr.Title, Requirements: fr.Requirements, Rationale: fr.Rationale, Remediation: fr.Remediation, Each: fr.Each, Cite: fr.Cite}
	switch {
	case !idPattern().MatchString(fr.ID):
		return r, fmt.Errorf("%s: rule id %q must be area/kebab-name", at("id"), fr.ID)
	case slices.Contains(builtin, fr.ID):
		return r, fmt.Errorf("%s: rule id %q is a built-in rule", at("id"), fr.ID)
	case fr.Title == "":
		return r, fmt.Errorf("%s: rule %s needs a title", at("id"), fr.ID)
	case fr.Check == "":
		return r, fmt.Errorf("%s: rule %s needs a check expression", at("id"), fr.ID)
	}
	sev, ok := catalog.ParseSeverity(fr.Severity)
	if !ok {
		return r, fmt.Errorf("%s: severity %q is not info, low, medium, high or critical", at("severity"), fr.Severity)
	}
	r.Severity = sev
	if r.Each == "" {
		r.Each = "device"
	}
	if !slices.Contains([]string{"device", "component", "interface"}, r.Each) {
		return r, fmt.Errorf("%s: each must be device, component or interface, not %q", at("each"), r.Each)
	}
	for _, ref := range fr.Requirements {
		if !slices.Contains(requirements, ref) {
			return r, fmt.Errorf("%s: %q is not a requirement of the catalog (mdcheck catalog list)", at("requirements"), ref)
		}
	}
	var err error
	if r.check, err = compile(env, fr.Check, at("check"), r.Each); err != nil {
		return r, err
	}
	if fr.Where != "" {
		if r.where, err = compile(env, fr.Where, at("where"), r.Each); err != nil {
			return r, err
		}
	}
	for _, c := range fr.Cite {
		if err := checkCite(r.Each, c); err != nil {
			return r, fmt.Errorf("%s: %w", at("cite"), err)
		}
	}
	r.pos = at("check")
	return r, nil
}

// compile type-checks a boolean expression, checks the fields it reads
// against the model, and plans it with the cost limit.
func compile(env *cel.Env, expr, pos, each string) (cel.Program, error) {
	checked, iss := env.Compile(expr)
	if iss != nil && iss.Err() != nil {
		return nil, fmt.Errorf("%s: CEL: %s", pos, strings.ReplaceAll(iss.Err().Error(), "\n", " "))
	}
	if fe := checkFields(checked, each); fe != nil {
		return nil, fmt.Errorf("%s: CEL: expression %d:%d: %s", pos, fe.line, fe.col, fe.msg)
	}
	if t := checked.OutputType(); t != cel.BoolType && t != cel.DynType {
		return nil, fmt.Errorf("%s: CEL: the expression gives %s, not a bool", pos, t)
	}
	prg, err := env.Program(checked, cel.CostLimit(CostLimit), cel.EvalOptions(cel.OptOptimize))
	if err != nil {
		return nil, fmt.Errorf("%s: CEL: %v", pos, err)
	}
	return prg, nil
}

func newEnv() (*cel.Env, error) {
	return cel.NewEnv(
		cel.Variable("device", cel.MapType(cel.StringType, cel.DynType)),
		cel.Variable("component", cel.MapType(cel.StringType, cel.DynType)),
		cel.Variable("interface", cel.MapType(cel.StringType, cel.DynType)),
		cel.Variable("now", cel.StringType),
		ext.Strings(),
		dateFunction("addYears", func(t time.Time, n int) time.Time { return t.AddDate(n, 0, 0) }),
		dateFunction("addDays", func(t time.Time, n int) time.Time { return t.AddDate(0, 0, n) }),
	)
}

// dateFunction declares name(date string, n int) string for date
// arithmetic on YYYY-MM-DD strings, the form dates take in the model.
func dateFunction(name string, f func(time.Time, int) time.Time) cel.EnvOption {
	return cel.Function(name, cel.Overload(name+"_string_int", []*cel.Type{cel.StringType, cel.IntType}, cel.StringType,
		cel.BinaryBinding(func(d, n ref.Val) ref.Val {
			s, ok := d.Value().(string)
			k, ok2 := n.Value().(int64)
			if !ok || !ok2 {
				return types.NewErr("%s: want a date string and a whole number", name)
			}
			t, err := time.Parse(time.DateOnly, s)
			if err != nil {
				return types.NewErr("%s: %q is not a date in the form YYYY-MM-DD", name, s)
			}
			if k > 1000 || k < -1000*366 {
				return types.NewErr("%s: %d is out of range", name, k)
			}
			return types.String(f(t, int(k)).Format(time.DateOnly))
		})))
}
