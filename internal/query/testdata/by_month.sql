SELECT CAST(date_trunc('month', t0."Date") AS DATE) AS "c0", CAST(SUM(t0."Amount") AS DOUBLE) AS "c1", CAST(SUM(t0."Qty") AS BIGINT) AS "c2" FROM "Sales" AS t0 GROUP BY CAST(date_trunc('month', t0."Date") AS DATE) ORDER BY "c0" ASC NULLS LAST
-- args: []interface {}(nil)
