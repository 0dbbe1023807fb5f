package filter

import (
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/bindery-dev/bindery/internal/errs"
)

// RelativeOperator is powerbi-models' RelativeDateOperators.
type RelativeOperator int

// Relative operators.
const (
	InLast RelativeOperator = 0
	InThis RelativeOperator = 1
	InNext RelativeOperator = 2
)

// TimeUnit is powerbi-models' RelativeDateFilterTimeUnit.
type TimeUnit int

// Time units, numbered as powerbi-models numbers them.
const (
	Days           TimeUnit = 0
	Weeks          TimeUnit = 1
	CalendarWeeks  TimeUnit = 2
	Months         TimeUnit = 3
	CalendarMonths TimeUnit = 4
	Years          TimeUnit = 5
	CalendarYears  TimeUnit = 6
	Minutes        TimeUnit = 7
	Hours          TimeUnit = 8
)

var unitNames = map[string]TimeUnit{
	"day": Days, "days": Days, "week": Weeks, "weeks": Weeks, "calendarweek": CalendarWeeks, "calendarweeks": CalendarWeeks,
	"month": Months, "months": Months, "calendarmonth": CalendarMonths, "calendarmonths": CalendarMonths,
	"year": Years, "years": Years, "calendaryear": CalendarYears, "calendaryears": CalendarYears,
	"minute": Minutes, "minutes": Minutes, "hour": Hours, "hours": Hours,
}

var operatorNames = map[string]RelativeOperator{"inlast": InLast, "inthis": InThis, "innext": InNext}

// RelativeSpec is the body of a RelativeDate or RelativeTime filter.
type RelativeSpec struct {
	Operator     RelativeOperator
	Count        int
	Unit         TimeUnit
	IncludeToday bool
}

// enumValue reads a powerbi-models enum given as its number or its name.
func enumValue[T ~int](raw json.RawMessage, names map[string]T, max T, field string) (T, error) {
	if len(raw) == 0 {
		return 0, errs.Invalid(field, "is required")
	}
	var n int
	if err := json.Unmarshal(raw, &n); err == nil {
		if n < 0 || T(n) > max {
			return 0, errs.Invalid(field, "unknown value %d", n)
		}
		return T(n), nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return 0, errs.Invalid(field, "must be a number or a name")
	}
	v, ok := names[strings.ToLower(s)]
	if !ok {
		return 0, errs.Invalid(field, "unknown value %q", s)
	}
	return v, nil
}

func decodeRelative(w *wire, typ Type, field string) (RelativeSpec, error) {
	var r RelativeSpec
	var err error
	if r.Operator, err = enumValue(w.Operator, operatorNames, InNext, field+".operator"); err != nil {
		return r, err
	}
	if r.Unit, err = enumValue(w.TimeUnitType, unitNames, Hours, field+".timeUnitType"); err != nil {
		return r, err
	}
	isTime := r.Unit == Minutes || r.Unit == Hours
	if typ == RelativeTime && !isTime {
		return r, errs.Invalid(field+".timeUnitType", "a RelativeTime filter uses Minutes or Hours")
	}
	if typ == RelativeDate && isTime {
		return r, errs.Invalid(field+".timeUnitType", "a RelativeDate filter uses Days, Weeks, Months or Years")
	}
	switch {
	case r.Operator == InThis:
		r.Count = 1
	case w.TimeUnitsCount == nil || *w.TimeUnitsCount < 1 || *w.TimeUnitsCount > MaxTimeUnits:
		return r, errs.Invalid(field+".timeUnitsCount", "must be between 1 and %d", MaxTimeUnits)
	default:
		r.Count = *w.TimeUnitsCount
	}
	r.IncludeToday = w.IncludeToday == nil || *w.IncludeToday
	return r, nil
}

// Range returns the half-open interval [from, to) the filter selects at now, in now's location.
//
// Days, Weeks, Months and Years count back (or forward) from today, including
// today when IncludeToday is set (Power BI's default); Calendar units are
// whole periods before (or after) the current one; InThis is the current
// period (weeks start on Sunday). Minutes and Hours count from now.
func (r RelativeSpec) Range(now time.Time) (from, to time.Time) {
	day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, now.Location())
	n := r.Count
	switch r.Unit {
	case Minutes, Hours:
		step := time.Minute
		if r.Unit == Hours {
			step = time.Hour
		}
		cur := now.Truncate(step)
		switch r.Operator {
		case InThis:
			return cur, cur.Add(step)
		case InLast:
			return now.Add(-time.Duration(n) * step), now
		default:
			return now, now.Add(time.Duration(n) * step)
		}
	}
	// The current period and a function to move by k periods.
	start, shift := day, func(t time.Time, k int) time.Time { return t.AddDate(0, 0, k) }
	switch r.Unit {
	case Weeks, CalendarWeeks:
		shift = func(t time.Time, k int) time.Time { return t.AddDate(0, 0, 7*k) }
		if r.Unit == CalendarWeeks || r.Operator == InThis {
			start = day.AddDate(0, 0, -int(day.Weekday()))
		}
	case Months, CalendarMonths:
		shift = func(t time.Time, k int) time.Time { return addMonths(t, k) }
		if r.Unit == CalendarMonths || r.Operator == InThis {
			start = time.Date(day.Year(), day.Month(), 1, 0, 0, 0, 0, day.Location())
		}
	case Years, CalendarYears:
		shift = func(t time.Time, k int) time.Time { return addMonths(t, 12*k) }
		if r.Unit == CalendarYears || r.Operator == InThis {
			start = time.Date(day.Year(), 1, 1, 0, 0, 0, 0, day.Location())
		}
	}
	calendar := r.Unit == CalendarWeeks || r.Unit == CalendarMonths || r.Unit == CalendarYears
	switch {
	case r.Operator == InThis:
		return start, shift(start, 1)
	case calendar && r.Operator == InLast:
		return shift(start, -n), start
	case calendar:
		next := shift(start, 1)
		return next, shift(next, n)
	case r.Operator == InLast:
		// "Last 3 days" including today is today and the two days before it.
		end := day.AddDate(0, 0, 1)
		if !r.IncludeToday {
			end = day
		}
		return shift(end, -n), end
	default:
		begin := day
		if !r.IncludeToday {
			begin = day.AddDate(0, 0, 1)
		}
		return begin, shift(begin, n)
	}
}

// addMonths adds k months, clamping the day to the end of a shorter month.
func addMonths(t time.Time, k int) time.Time {
	first := time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, t.Location()).AddDate(0, k, 0)
	last := first.AddDate(0, 1, -1).Day()
	d := t.Day()
	if d > last {
		d = last
	}
	return time.Date(first.Year(), first.Month(), d, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), t.Location())
}

func asSyntax(err error, target **json.SyntaxError) bool { return errors.As(err, target) }
