package engine

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	duckdb "github.com/duckdb/duckdb-go/v2"

	"github.com/bindery-dev/bindery/internal/model"
)

// Decimal columns are DECIMAL(18,4).
const (
	decimalWidth = 18
	decimalScale = 4
)

var (
	decimalFactor = big.NewRat(10000, 1)                                            // 10^decimalScale
	decimalLimit  = new(big.Int).Exp(big.NewInt(10), big.NewInt(decimalWidth), nil) // |scaled| < 10^18
)

// timeLayouts are the date-time spellings accepted in pushed rows: RFC 3339
// with or without a zone (no zone means UTC), with a 'T' or a space, or a bare
// date; and the US M/D/YYYY and M/D/YYYY H:MM:SS (UTC) that Power BI's own
// push-dataset samples send, e.g. "07/30/2014". Slashed dates are always
// month first, never day first: "30/07/2014" is refused, not guessed.
var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02",
	"1/2/2006",
	"1/2/2006 15:04:05",
}

// convertValue checks v against a column type and returns the value to append.
// The string result is a public explanation when v does not fit.
func convertValue(t model.DataType, v any) (driver.Value, string) {
	if v == nil {
		return nil, ""
	}
	switch t {
	case model.TypeInt64:
		return toInt64(v)
	case model.TypeDouble:
		return toFloat64(v)
	case model.TypeDecimal:
		return toDecimal(v)
	case model.TypeBoolean:
		if b, ok := v.(bool); ok {
			return b, ""
		}
		return nil, "expected true or false, got " + describe(v)
	case model.TypeDateTime:
		tm, msg := toTime(v)
		if msg != "" {
			return nil, msg
		}
		return tm.UTC(), ""
	case model.TypeDate:
		tm, msg := toTime(v)
		if msg != "" {
			return nil, msg
		}
		return time.Date(tm.Year(), tm.Month(), tm.Day(), 0, 0, 0, 0, time.UTC), ""
	case model.TypeString:
		s, ok := v.(string)
		if !ok {
			return nil, "expected a string, got " + describe(v)
		}
		if !utf8.ValidString(s) {
			return nil, "is not valid UTF-8"
		}
		return s, ""
	}
	return nil, fmt.Sprintf("column has unknown type %q", t)
}

func describe(v any) string {
	switch x := v.(type) {
	case string:
		if len(x) > 40 {
			x = x[:40] + "..."
		}
		return fmt.Sprintf("string %q", x)
	case float64, json.Number, int, int64, int32:
		return fmt.Sprintf("number %v", x)
	case bool:
		return fmt.Sprintf("boolean %v", x)
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	}
	return fmt.Sprintf("a value of type %T", v)
}

func toInt64(v any) (driver.Value, string) {
	const msg = "expected a whole number between -9223372036854775808 and 9223372036854775807, got "
	switch x := v.(type) {
	case int:
		return int64(x), ""
	case int32:
		return int64(x), ""
	case int64:
		return x, ""
	case float64:
		// 2^63 is exactly representable; anything at or beyond it overflows.
		if x != math.Trunc(x) || x >= 9223372036854775808.0 || x < -9223372036854775808.0 {
			return nil, msg + describe(v)
		}
		return int64(x), ""
	case json.Number:
		if i, err := strconv.ParseInt(string(x), 10, 64); err == nil {
			return i, ""
		}
		if f, err := strconv.ParseFloat(string(x), 64); err == nil {
			return toInt64(f)
		}
	}
	return nil, msg + describe(v)
}

func toFloat64(v any) (driver.Value, string) {
	switch x := v.(type) {
	case float64:
		return x, ""
	case float32:
		return float64(x), ""
	case int:
		return float64(x), ""
	case int64:
		return float64(x), ""
	case json.Number:
		if f, err := strconv.ParseFloat(string(x), 64); err == nil {
			return f, ""
		}
	}
	return nil, "expected a number, got " + describe(v)
}

// toDecimal rounds to four decimal places, half away from zero.
func toDecimal(v any) (driver.Value, string) {
	const msg = "expected a number with at most 14 digits before the decimal point, got "
	var text string
	switch x := v.(type) {
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, msg + describe(v)
		}
		text = strconv.FormatFloat(x, 'f', -1, 64) // shortest decimal, no binary noise
	case int:
		text = strconv.Itoa(x)
	case int64:
		text = strconv.FormatInt(x, 10)
	case json.Number:
		text = string(x)
	default:
		return nil, msg + describe(v)
	}
	r, ok := new(big.Rat).SetString(text)
	if !ok || strings.ContainsAny(text, "/") {
		return nil, msg + describe(v)
	}
	r.Mul(r, decimalFactor)
	num, den := r.Num(), r.Denom()
	q, rem := new(big.Int).QuoRem(num, den, new(big.Int))
	if new(big.Int).Mul(new(big.Int).Abs(rem), big.NewInt(2)).Cmp(den) >= 0 {
		if num.Sign() < 0 {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	if new(big.Int).Abs(q).Cmp(decimalLimit) >= 0 {
		return nil, msg + describe(v)
	}
	return duckdb.Decimal{Width: decimalWidth, Scale: decimalScale, Value: q}, ""
}

func toTime(v any) (time.Time, string) {
	switch x := v.(type) {
	case time.Time:
		return x, ""
	case string:
		for _, layout := range timeLayouts {
			if tm, err := time.Parse(layout, x); err == nil {
				return tm, ""
			}
		}
	}
	return time.Time{}, "expected an RFC 3339 date-time, a YYYY-MM-DD date or a US M/D/YYYY [H:MM:SS] date, got " + describe(v)
}
