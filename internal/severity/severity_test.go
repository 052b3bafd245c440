package severity

import (
	"encoding/json"
	"testing"
)

func TestParseAndOrder(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want Level
		ok   bool
	}{
		{"info", Info, true}, {"LOW", Low, true}, {"Moderate", Medium, true}, {" medium ", Medium, true},
		{"high", High, true}, {"critical", Critical, true}, {"", None, false}, {"severe", None, false},
	} {
		if got, ok := Parse(tt.in); got != tt.want || ok != tt.ok {
			t.Errorf("Parse(%q) = %v, %v, want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
	if !(None < Info && Info < Low && Low < Medium && Medium < High && High < Critical) {
		t.Error("levels are out of order")
	}
}

func TestFromCVSSAndUp(t *testing.T) {
	for score, want := range map[float64]Level{0: Low, 3.9: Low, 4: Medium, 6.9: Medium, 7: High, 8.9: High, 9: Critical, 10: Critical} {
		if got := FromCVSS(score); got != want {
			t.Errorf("FromCVSS(%v) = %v, want %v", score, got, want)
		}
	}
	for l, want := range map[Level]Level{None: Low, Info: Low, Low: Medium, Medium: High, High: Critical, Critical: Critical} {
		if got := l.Up(); got != want {
			t.Errorf("%v.Up() = %v, want %v", l, got, want)
		}
	}
}

func TestJSON(t *testing.T) {
	type doc struct {
		S Level `json:"s"`
		O Level `json:"o,omitempty"`
	}
	b, err := json.Marshal(doc{S: High})
	if err != nil || string(b) != `{"s":"high"}` {
		t.Fatalf("Marshal = %s, %v", b, err)
	}
	var d doc
	if err := json.Unmarshal([]byte(`{"s":"critical","o":""}`), &d); err != nil || d.S != Critical || d.O != None {
		t.Errorf("Unmarshal = %+v, %v", d, err)
	}
	if err := json.Unmarshal([]byte(`{"s":"bad"}`), &d); err == nil {
		t.Error("a word that is no severity was read")
	}
}
