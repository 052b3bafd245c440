package classify

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"reflect"
	"strconv"
	"testing"

	"github.com/mdcheck/mdcheck/internal/model"
)

// TestEnumLiterals checks that every value the rules compare a fact with
// is a value the model can hold: a typo would make a sub-rule silently
// never apply.
func TestEnumLiterals(t *testing.T) {
	valid := map[string]bool{}
	for _, v := range []interface{ Values() []string }{
		model.Invasiveness(""), model.Duration(""), model.ChannelsOrStores(""), model.ModifiesComposition(""),
		model.InjuredSkin(""), model.ActiveConnection(""), model.OrificeSite(""), model.BodySite(""),
		model.MedicineDelivery(""), model.SpecialImplant(""), model.EnergyExchange(""), model.SubstanceTransfer(""),
		model.DecisionImpact(""), model.PhysioMonitoring(""), model.Disinfection(""), model.TissueOrigin(""),
		model.NanoExposure(""), model.Inhalation(""), model.SubstanceBased(""), model.AbsorbedEnergy(""),
		model.VitalProcesses(""),
	} {
		for _, s := range v.Values() {
			valid[s] = true
		}
	}
	// Fact names passed to is() must be yaml paths of model.Facts.
	names := factNames(reflect.TypeFor[model.Facts](), "")

	files, _ := filepath.Glob("*.go")
	fset := token.NewFileSet()
	checked := 0
	for _, file := range files {
		f, err := parser.ParseFile(fset, file, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			args := call.Args
			switch sel.Sel.Name {
			case "is":
				if len(args) < 2 {
					return true
				}
				if lit, ok := args[0].(*ast.BasicLit); ok {
					name, _ := strconv.Unquote(lit.Value)
					if !names[name] {
						t.Errorf("%s: is(%q, ...) names no field of model.Facts", fset.Position(lit.Pos()), name)
					}
				}
				args = args[2:]
			case "invasiveness", "duration", "medicines", "hasSite":
			case "flag":
				if lit, ok := args[0].(*ast.BasicLit); ok {
					name, _ := strconv.Unquote(lit.Value)
					if !names[name] {
						t.Errorf("%s: flag(%q, ...) names no field of model.Facts", fset.Position(lit.Pos()), name)
					}
				}
				return true
			default:
				return true
			}
			for _, a := range args {
				lit, ok := a.(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					continue
				}
				s, _ := strconv.Unquote(lit.Value)
				checked++
				if !valid[s] {
					t.Errorf("%s: %q is not a value of any classification enum", fset.Position(lit.Pos()), s)
				}
			}
			return true
		})
	}
	if checked < 50 {
		t.Errorf("checked only %d literals; the scan is broken", checked)
	}
}

func factNames(t reflect.Type, prefix string) map[string]bool {
	out := map[string]bool{}
	for i := range t.NumField() {
		f := t.Field(i)
		name := f.Tag.Get("yaml")
		if name == "" {
			continue
		}
		out[prefix+name] = true
		ft := f.Type
		if ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if ft.Kind() == reflect.Struct {
			for k := range factNames(ft, prefix+name+".") {
				out[k] = true
			}
		}
	}
	return out
}
