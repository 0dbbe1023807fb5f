SELECT CAST(SUM(t0."Amount") AS DOUBLE) AS "c0", CAST(COUNT(*) AS BIGINT) AS "c1" FROM "Sales" AS t0
-- args: []interface {}(nil)
