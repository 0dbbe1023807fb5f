package query

import (
	"fmt"
	"strings"
)

// DateLevel is a level of a date hierarchy a query can group by.
type DateLevel string

// Date levels: the date truncated to the start of its year, quarter, month or day.
const (
	LevelYear    DateLevel = "Year"
	LevelQuarter DateLevel = "Quarter"
	LevelMonth   DateLevel = "Month"
	LevelDay     DateLevel = "Day"
)

// Dialect is what the compiler needs to know about one SQL engine. The
// compiler writes standard SQL around these hooks, so a new engine (PostgreSQL,
// MySQL) is a new Dialect and nothing else. Implementations must be safe for
// concurrent use; the ones here are stateless values.
type Dialect interface {
	// Name identifies the dialect; it is part of a compiled query's cache key.
	Name() string
	// QuoteIdent quotes a table, column or alias name so that any text is safe.
	QuoteIdent(name string) string
	// Placeholder is the n-th (1-based) bind parameter.
	Placeholder(n int) string
	// Limit is the clause that keeps the first n rows, with a leading space.
	Limit(n int) string
	// DateTrunc truncates a date or timestamp expression to the start of its period, as a date.
	DateTrunc(level DateLevel, expr string) string
	// CastInt and CastDouble make an aggregate's result type the same on every engine.
	CastInt(expr string) string
	CastDouble(expr string) string
	// Like matches expr against a bound LIKE pattern that escapes with '\', ignoring case.
	Like(expr, pattern string) string
	// OrderBy renders one ORDER BY item; blanks sort last either way, as in Power BI.
	OrderBy(expr string, desc bool) string
}

// DuckDB is the dialect of the embedded engine for Import datasets.
type DuckDB struct{}

// Name implements Dialect.
func (DuckDB) Name() string { return "duckdb" }

// QuoteIdent implements Dialect: double quotes, doubled inside.
func (DuckDB) QuoteIdent(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }

// Placeholder implements Dialect with numbered parameters, so a repeated
// expression may reuse its arguments.
func (DuckDB) Placeholder(n int) string { return fmt.Sprintf("$%d", n) }

// Limit implements Dialect.
func (DuckDB) Limit(n int) string { return fmt.Sprintf(" LIMIT %d", n) }

// DateTrunc implements Dialect.
func (DuckDB) DateTrunc(level DateLevel, expr string) string {
	return fmt.Sprintf("CAST(date_trunc('%s', %s) AS DATE)", strings.ToLower(string(level)), expr)
}

// CastInt implements Dialect.
func (DuckDB) CastInt(expr string) string { return "CAST(" + expr + " AS BIGINT)" }

// CastDouble implements Dialect.
func (DuckDB) CastDouble(expr string) string { return "CAST(" + expr + " AS DOUBLE)" }

// Like implements Dialect.
func (DuckDB) Like(expr, pattern string) string { return expr + " ILIKE " + pattern + ` ESCAPE '\'` }

// OrderBy implements Dialect.
func (DuckDB) OrderBy(expr string, desc bool) string {
	if desc {
		return expr + " DESC NULLS LAST"
	}
	return expr + " ASC NULLS LAST"
}

// likeEscape escapes LIKE wildcards in a value with '\'.
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
