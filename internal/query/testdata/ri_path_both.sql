SELECT t2."Group" AS "c0", CAST(SUM(t0."Amount") AS DOUBLE) AS "c1" FROM "Sales" AS t0 INNER JOIN "Product" AS t1 ON t0."ProductId" = t1."ProductId" INNER JOIN "Category" AS t2 ON t1."Category" = t2."Name" GROUP BY t2."Group" ORDER BY "c0" ASC NULLS LAST
-- args: []interface {}(nil)
