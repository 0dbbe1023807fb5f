SELECT t1."Category" AS "c0", CAST(SUM(t0."Amount") AS DOUBLE) AS "c1" FROM "Sales" AS t0 INNER JOIN "Product" AS t1 ON t0."ProductId" = t1."ProductId" GROUP BY t1."Category" ORDER BY "c0" ASC NULLS LAST
-- args: []interface {}(nil)
