SELECT t1."Name" AS "c0", CAST(SUM(t0."Amount") AS DOUBLE) AS "c1" FROM "Sales" AS t0 LEFT JOIN "Product" AS t1 ON t0."ProductId" = t1."ProductId" WHERE (((t0."Amount" > $1) AND (t0."Amount" <= $2)) AND ((NOT (t1."Category" IN ($3))) OR (t1."Category" IS NULL))) GROUP BY t1."Name" ORDER BY "c0" ASC NULLS LAST
-- args: []interface {}{9, 1000, "Bikes"}
