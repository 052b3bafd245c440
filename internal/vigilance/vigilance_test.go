package vigilance

import (
	"strings"
	"testing"
	"time"
)

func berlin(t *testing.T) *time.Location {
	t.Helper()
	z, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skipf("no time zone data: %v", err)
	}
	return z
}

func clockOf(t *testing.T, cs []Clock, law string) Clock {
	t.Helper()
	for _, c := range cs {
		if c.Law == law {
			return c
		}
	}
	t.Fatalf("no clock under %s in %+v", law, cs)
	return Clock{}
}

// TestMDRDays: the day of awareness does not count; the period ends at
// the end of its last day in the organisation's zone, even across a
// change to summer time.
func TestMDRDays(t *testing.T) {
	z := berlin(t)
	aware := time.Date(2027, 3, 26, 9, 30, 0, 0, z) // a Friday; summer time starts on Sunday 28 March
	cs, err := Clocks(Event{Kinds: []Kind{SeriousIncident, DeathOrDeterioration, PublicHealthThreat}, Aware: aware, Zone: z})
	if err != nil {
		t.Fatal(err)
	}
	for law, want := range map[string]time.Time{
		"MDR Art. 87(3)": time.Date(2027, 4, 10, 23, 59, 59, 999999999, z), // 15 days: a Saturday
		"MDR Art. 87(5)": time.Date(2027, 4, 5, 23, 59, 59, 999999999, z),
		"MDR Art. 87(4)": time.Date(2027, 3, 28, 23, 59, 59, 999999999, z), // 2 days: a Sunday, in summer time
	} {
		if got := clockOf(t, cs, law).Due; !got.Equal(want) {
			t.Errorf("%s: due %s, want %s", law, got, want)
		}
	}
	// Summer time: the 2-day deadline is 22:00 UTC, not 23:00.
	if got := clockOf(t, cs, "MDR Art. 87(4)").Due.UTC(); got.Hour() != 21 || got.Minute() != 59 {
		t.Errorf("2 days ends at %s UTC, want 21:59:59 (midnight in summer time)", got)
	}
	// A last day on a weekend is not extended, and says so.
	if c := clockOf(t, cs, "MDR Art. 87(3)"); c.Due.Weekday() != time.Saturday || !strings.Contains(c.Note, "1182/71") {
		t.Errorf("weekend: %+v", c)
	}
	if c := clockOf(t, cs, "MDR Art. 87(5)"); c.Note != "" {
		t.Errorf("a Monday needs no note: %q", c.Note)
	}
	// Earliest first.
	if cs[0].Law != "MDR Art. 87(4)" || cs[2].Law != "MDR Art. 87(3)" {
		t.Errorf("order: %s, %s, %s", cs[0].Law, cs[1].Law, cs[2].Law)
	}
}

// TestHours: NIS2 and GDPR periods in hours run from the moment of
// awareness, in elapsed time, across a change of clock time.
func TestHours(t *testing.T) {
	z := berlin(t)
	aware := time.Date(2027, 3, 27, 22, 15, 0, 0, z) // the night before summer time
	cs, err := Clocks(Event{Kinds: []Kind{SignificantIncident, DataBreach}, Aware: aware, Zone: z})
	if err != nil {
		t.Fatal(err)
	}
	early := clockOf(t, cs, "NIS2 Art. 23(4)(a)").Due
	if early.Sub(aware) != 24*time.Hour || early.In(z).Hour() != 23 {
		t.Errorf("early warning %s: 24 hours of elapsed time, 23:15 on the clock after the change", early.In(z))
	}
	for _, law := range []string{"NIS2 Art. 23(4)(b)", "GDPR Art. 33(1)"} {
		if d := clockOf(t, cs, law).Due; d.Sub(aware) != 72*time.Hour {
			t.Errorf("%s: %s after awareness, want 72h", law, d.Sub(aware))
		}
	}
	final := clockOf(t, cs, "NIS2 Art. 23(4)(d)")
	if !final.Due.IsZero() || !strings.Contains(final.Note, "record it") || cs[len(cs)-1].Law != "NIS2 Art. 23(4)(d)" {
		t.Errorf("final report before the notification: %+v (last of %d)", final, len(cs))
	}
}

// TestFinalReport: a month after the incident notification, to the same
// date, or the month's last day when it has none.
func TestFinalReport(t *testing.T) {
	z := berlin(t)
	for notified, want := range map[time.Time]time.Time{
		time.Date(2027, 1, 15, 16, 0, 0, 0, z):  time.Date(2027, 2, 15, 23, 59, 59, 999999999, z),
		time.Date(2027, 1, 31, 8, 0, 0, 0, z):   time.Date(2027, 2, 28, 23, 59, 59, 999999999, z),
		time.Date(2027, 12, 20, 12, 0, 0, 0, z): time.Date(2028, 1, 20, 23, 59, 59, 999999999, z),
	} {
		cs, err := Clocks(Event{Kinds: []Kind{SignificantIncident}, Aware: notified.Add(-time.Hour), Zone: z, NIS2Notified: notified})
		if err != nil {
			t.Fatal(err)
		}
		if got := clockOf(t, cs, "NIS2 Art. 23(4)(d)").Due; !got.Equal(want) {
			t.Errorf("notified %s: final report due %s, want %s", notified, got, want)
		}
	}
}

// TestNothingSilent: no awareness, an unknown kind, an FSCA without its
// start: an error or a clock that says what is missing, never nothing.
func TestNothingSilent(t *testing.T) {
	if _, err := Clocks(Event{Kinds: []Kind{DataBreach}}); err == nil {
		t.Error("no awareness time accepted")
	}
	if _, err := Clocks(Event{Kinds: []Kind{"mdr-incident"}, Aware: time.Now()}); err == nil {
		t.Error("an unknown kind accepted")
	}
	cs, err := Clocks(Event{Kinds: []Kind{FSCA}, Aware: time.Now()})
	if err != nil || len(cs) != 1 || !cs[0].Due.IsZero() || cs[0].Note == "" {
		t.Errorf("FSCA without start: %+v %v", cs, err)
	}
	start := time.Date(2027, 5, 3, 8, 0, 0, 0, time.UTC)
	if cs, _ := Clocks(Event{Kinds: []Kind{FSCA}, Aware: start.Add(-48 * time.Hour), FSCAStart: start}); !cs[0].Due.Equal(start) {
		t.Errorf("FSCA: due %s, want its start", cs[0].Due)
	}
}
