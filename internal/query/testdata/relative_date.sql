SELECT CAST(COUNT(*) AS BIGINT) AS "c0" FROM "Sales" AS t0 WHERE ((t0."Date" >= $1) AND (t0."Date" < $2))
-- args: []interface {}{time.Date(2024, time.January, 1, 0, 0, 0, 0, time.UTC), time.Date(2024, time.March, 1, 0, 0, 0, 0, time.UTC)}
