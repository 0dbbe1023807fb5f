package queryexec

import (
	"database/sql"
	"fmt"
	"math"
	"math/big"
	"time"

	duckdb "github.com/duckdb/duckdb-go/v2"

	"github.com/bindery-dev/bindery/internal/model"
	"github.com/bindery-dev/bindery/internal/query"
)

// scanRows reads every row into JSON-friendly values (see jsonValue), at
// most limit rows when limit > 0.
func scanRows(rows *sql.Rows, cols []query.OutputColumn, limit int) ([][]any, error) {
	n := len(cols)
	raw := make([]any, n)
	ptrs := make([]any, n)
	for i := range raw {
		ptrs[i] = &raw[i]
	}
	out := [][]any{}
	for rows.Next() {
		if limit > 0 && len(out) == limit {
			break
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		row := make([]any, n)
		for i, v := range raw {
			row[i] = jsonValue(v, cols[i].DataType)
			raw[i] = nil
		}
		out = append(out, row)
	}
	return out, rows.Err()
}

// jsonValue converts a value from the driver to one that encodes plainly in
// JSON: dates as "YYYY-MM-DD", date-times as RFC 3339 in UTC, integers as
// int64 (HUGEINT too, or float64 beyond int64), decimals and other numbers
// as float64, NaN and infinities as null.
func jsonValue(v any, t model.DataType) any {
	switch v := v.(type) {
	case nil, string, bool, int64:
		return v
	case float64:
		return finite(v)
	case time.Time:
		if t == model.TypeDate {
			return v.Format(time.DateOnly)
		}
		return v.UTC().Format(time.RFC3339Nano)
	case duckdb.Decimal:
		return finite(v.Float64())
	case *big.Int:
		if v.IsInt64() {
			return v.Int64()
		}
		f, _ := new(big.Float).SetInt(v).Float64()
		return f
	case int32:
		return int64(v)
	case int16:
		return int64(v)
	case int8:
		return int64(v)
	case uint64:
		if v > math.MaxInt64 {
			return float64(v)
		}
		return int64(v)
	case uint32:
		return int64(v)
	case uint16:
		return int64(v)
	case uint8:
		return int64(v)
	case float32:
		return finite(float64(v))
	case []byte:
		return string(v)
	}
	return fmt.Sprint(v)
}

func finite(f float64) any {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil
	}
	return f
}
