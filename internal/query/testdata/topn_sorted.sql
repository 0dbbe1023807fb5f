SELECT * FROM (SELECT t1."Name" AS "c0", CAST(SUM(t0."Amount") AS DOUBLE) AS "c1" FROM "Sales" AS t0 LEFT JOIN "Product" AS t1 ON t0."ProductId" = t1."ProductId" GROUP BY t1."Name" ORDER BY "c1" DESC NULLS LAST, "c0" ASC NULLS LAST LIMIT 2) AS q ORDER BY "c0" ASC NULLS LAST
-- args: []interface {}(nil)
