package advisory

import (
	"strings"
	"testing"
)

// Each case is a version text from a real ICSMA advisory of the shared
// data collection (../shared/data/csaf/cisa-icsma/<file>), with versions
// an inventory may hold and what the constraint must answer for each.
func TestConstraintShapes(t *testing.T) {
	const (
		A = Affected
		N = NotAffected
		R = NeedsReview
	)
	type want struct {
		version string
		verdict Verdict
		loose   bool
	}
	tests := []struct {
		text, file string
		want       []want
	}{
		{"vers:all/*", "2017/icsma-17-017-01.json", []want{{"1.0", A, false}, {"", A, false}, {"B.02", A, false}}},
		{"<= 1.0.0", "2019/icsma-19-311-02.json", []want{{"1.0", A, false}, {"1.0.0", A, false}, {"0.9.9", A, false}, {"1.0.1", N, false}, {"v1.0.0", A, false}}},
		{"<=12.1.3", "2023/icsma-23-194-01.json", []want{{"12.1.3", A, false}, {"12.1.2", A, false}, {"12.1.4", N, false}, {"12.2", N, false}, {"9.33.1", A, false}}},
		{">= 1.1 | <= 1.3.2", "2023/icsma-23-047-01.json", []want{{"1.1", A, false}, {"1.2.9", A, false}, {"1.3.2", A, false}, {"1.0", N, false}, {"1.3.3", N, false}}},
		{"9.13 | 9.19 | 9.33 | 12.1", "2020/icsma-20-170-06.json", []want{{"9.19", A, false}, {"12.1", A, false}, {"12.1.0", A, false}, {"9.20", N, false}, {"12.1.3", N, false}}},
		{"5.0|5.1", "2023/icsma-23-331-01.json", []want{{"5.0", A, false}, {"5.1", A, false}, {"5.2", N, false}}},
		{"12.x", "2019/icsma-19-241-01.json", []want{{"12.0", A, false}, {"12.9.1", A, false}, {"12", A, false}, {"13.0", N, false}, {"11.9", N, false}}},
		{"5.x.x", "2021/icsma-21-313-01.json", []want{{"5.0.1", A, false}, {"5.3", A, false}, {"6.0.0", N, false}}},
		{"<= 11.x", "2019/icsma-19-241-01.json", []want{{"11.9.9", A, false}, {"10.0", A, false}, {"12.0", N, false}}},
		{"< 3.x", "2020/icsma-20-170-02.json", []want{{"2.9", A, false}, {"3.0", N, false}, {"3.5", N, false}}},
		{"2.3.6 and  below", "2019/icsma-19-164-01.json", []want{{"2.3.6", A, false}, {"2.0", A, false}, {"2.3.7", N, false}}},
		{"1.3.1 Build 13", "2019/icsma-19-164-01.json", []want{{"1.3.1 Build 13", A, false}, {"1.3.1.13", A, false}, {"1.3.1 build 14", N, false}}},
		{"<=2023.3_Build_9342", "2024/icsma-24-060-01.json", []want{{"2023.3 Build 9342", A, false}, {"2023.2", A, false}, {"2024.1", N, false}}},
		{"< 1.8.4 Service Pack 01", "2021/icsma-21-152-01.json", []want{{"1.8.4", A, false}, {"1.8.4 SP1", N, false}, {"1.8.3", A, false}}},
		{"<= 2.6A", "2019/icsma-19-178-01.json", []want{{"2.6A", A, true}, {"2.6", A, true}, {"2.5", A, false}, {"2.6B", N, true}, {"2.7", N, false}}},
		{"<= C.00.04", "2021/icsma-21-322-01.json", []want{{"C.00.04", A, true}, {"C.00.03", A, true}, {"B.01.00", A, true}, {"C.00.05", N, true}, {"D.00.00", N, true}, {"1.0", R, false}}},
		{"< B.06.18", "2017/icsma-17-255-01.json", []want{{"B.06.17", A, true}, {"B.06.18", N, true}, {"A.10.00", A, true}}},
		{"B.02", "2018/icsma-18-233-01.json", []want{{"B.02", A, true}, {"b.02", A, true}, {"B.03", N, true}}},
		{"<=N", "2020/icsma-20-254-01.json", []want{{"M", A, true}, {"N", A, true}, {"P", N, true}, {"M.00", A, true}, {"5.2", R, false}}},
		{"< 012U000040", "2017/icsma-17-082-02.json", []want{{"012U000039", A, true}, {"012U000040", N, true}, {"011U000099", A, false}, {"2.1", R, false}}},
		{"BT03 | BT04 | BT06", "2020/icsma-20-343-01.json", []want{{"BT04", A, true}, {"BT05", N, true}, {"bt06", A, true}}},
		{">=BT02 | <= BT06", "2020/icsma-20-343-01.json", []want{{"BT05", A, true}, {"BT01", N, true}, {"BT07", N, true}}},
		{"HD 16 | HD23", "2020/icsma-20-343-01.json", []want{{"HD16", A, true}, {"HD 23", A, true}, {"HD 17", N, true}}},
		{"2131 and 2141", "2019/icsma-19-029-01.json", []want{{"2131", A, false}, {"2141", A, false}, {"2132", N, false}}},
		{"<= 3.0 D15", "2021/icsma-21-355-01.json", []want{{"3.0 D15", A, true}, {"3.0 D14", A, true}, {"3.0 D16", N, true}, {"2.9", A, false}}},
		{">= 2018-1 | <= 2021-1", "2021/icsma-21-175-01.json", []want{{"2019-4", A, false}, {"2021-1", A, false}, {"2021-2", N, false}, {"2017-9", N, false}}},
		{"4.20 | 4.20 SR1 | 4.30", "2022/icsma-22-151-02.json", []want{{"4.20", A, false}, {"4.20 SR1", A, true}, {"4.30", A, false}, {"4.25", N, false}}},
		{"<= R8.0.3", "2018/icsma-18-086-01.json", []want{{"R8.0.3", A, false}, {"8.0.2", A, false}, {"R8.1", N, false}}},
		{"<= GEH-1.1", "2018/icsma-18-128-01.json", []want{{"GEH-1.0", A, true}, {"GEH-1.2", N, true}, {"1.0", R, false}}},
		{"6.3V1L10", "2021/icsma-21-019-01.json", []want{{"6.3V1L10", A, true}, {"6.3 V1 L11", N, true}}},
		{"LPI 3.5.12.P30", "2022/icsma-22-095-01.json", []want{{"LPI 3.5.12.P30", A, true}, {"LPI 3.5.12.P31", N, true}}},
		{"653 MCE 3.x", "2019/icsma-19-274-01.json", []want{{"653 MCE 3.2", A, true}, {"653 MCE 4.0", N, true}}},
		{"MMT-1711 | MMT-1712", "2022/icsma-22-263-01.json", []want{{"MMT-1711", A, true}, {"2.4", R, false}}},
		{"* (end-of-life 2011)", "2018/icsma-18-128-01.json", []want{{"3.0", A, false}}},
		{"<= 1.54 (integrated into GE MobileLink)", "2018/icsma-18-128-01.json", []want{{"1.54", A, false}, {"1.55", N, false}}},
		// Conditions beyond the version: needs review, whatever the version.
		{"v8.x model 35700BAX2", "2020/icsma-20-170-04.json", []want{{"8.1", R, false}}},
		{"2nd Edition", "2022/icsma-22-335-01.json", []want{{"2", R, false}}},
		{"< august 28", "2017/icsma-17-241-01.json", []want{{"1.0", R, false}}},
		{"<May 2018", "2018/icsma-18-228-01.json", []want{{"2017.1", R, false}}},
		{"with wireless option (shipped between 26-June-2017 through 07-August 2018)", "2019/icsma-19-353-01.json", []want{{"1.0", R, false}}},
		{"<=11.2 on Windows 8.1 with IIS 7.5", "2018/icsma-18-277-01.json", []want{{"11.1", R, false}}},
		{"(Release 1.3.2 1.4.0 1.4.1 1.4.3 1.4.5)", "2021/icsma-21-019-01.json", []want{{"1.4.0", R, false}}},
	}
	for _, tc := range tests {
		c := ParseConstraint(tc.text)
		for _, w := range tc.want {
			got := c.Check(w.version)
			if got.Verdict != w.verdict || (w.verdict != NeedsReview && got.Loose != w.loose) {
				t.Errorf("%s: %q against %q = %s (loose %v: %s), want %s (loose %v)", tc.file, w.version, tc.text, got.Verdict, got.Loose, got.Reason, w.verdict, w.loose)
			}
			if got.Reason == "" {
				t.Errorf("%s: %q against %q: no reason", tc.file, w.version, tc.text)
			}
			if got.Verdict == NeedsReview && !strings.Contains(got.Reason, "\"") {
				t.Errorf("%s: a needs-review answer must show the text or the version: %q", tc.file, got.Reason)
			}
		}
	}
}

func TestConstraintNote(t *testing.T) {
	c := ParseConstraint("<= 2.01 (end-of-life Nov 2017)")
	if c.Note != "(end-of-life Nov 2017)" || c.Check("2.01").Verdict != Affected || c.Check("2.02").Verdict != NotAffected {
		t.Errorf("constraint = %+v", c)
	}
}

func TestVersRanges(t *testing.T) {
	c := ParseConstraint("vers:generic/>=1.0|<2.0|>=3.0")
	for v, want := range map[string]Verdict{"1.5": Affected, "2.0": NotAffected, "3.1": Affected, "0.9": NotAffected} {
		if got := c.Check(v).Verdict; got != want {
			t.Errorf("%s: %s, want %s", v, got, want)
		}
	}
	if c := ParseConstraint("vers:semver/!=1.0"); c.Review() == "" {
		t.Error("a vers exclusion was decided")
	}
}

// TestInventoryVersionShapes: versions as inventories write them against
// advisory texts: a build number after the release (in parentheses, or
// after build or b), revision letters, a comma for a dot; an empty
// version is needs-review, never dropped.
func TestInventoryVersionShapes(t *testing.T) {
	tests := []struct {
		constraint, version string
		verdict             Verdict
		loose               bool
		reason              string
	}{
		{"2.3.6 and below", "2.3.6 (build 1234)", Affected, true, "release 2.3.6 of 2.3.6 (build 1234) is within"},
		{"<= 1.0.0", "1.0.0 Build 5", Affected, true, "the build number aside"},
		{"<= 1.0.0", "1.0.1 (build 5)", NotAffected, false, "outside"},
		{"< 2.3.6", "2.3.6 (build 1234)", NotAffected, false, "outside"},
		{"1.3.1 Build 13", "1.3.1 build 14", NotAffected, false, "outside"},
		{"< 8.2.2", "8.2.1 (b33)", Affected, false, "within"},
		{"<= C.00.04", "Rev. C.00.03", Affected, true, "within"},
		{"<=N", "Rev N", Affected, true, "within"},
		{"<= 2.6A", "2.6 Rev A", Affected, true, "within"},
		{"<= 2.6A", "2.6 Rev B", NotAffected, true, "outside"},
		{"<= 9.33.1", "9,33,1", Affected, false, "within"},
		{"<= 9.33.1", "[9.33.1]", Affected, false, "within"},
		{"<= VF10.2", "VF10.1", Affected, true, "within"},
		{"<= 9.33.1", "", NeedsReview, false, "no version given"},
	}
	for _, tc := range tests {
		got := ParseConstraint(tc.constraint).Check(tc.version)
		if got.Verdict != tc.verdict || got.Verdict != NeedsReview && got.Loose != tc.loose || !strings.Contains(got.Reason, tc.reason) {
			t.Errorf("%q against %q = %s (loose %v: %s), want %s (loose %v, %q)", tc.version, tc.constraint, got.Verdict, got.Loose, got.Reason, tc.verdict, tc.loose, tc.reason)
		}
	}
}
