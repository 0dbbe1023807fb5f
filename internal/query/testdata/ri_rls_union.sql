SELECT t2."Region" AS "c0", CAST(SUM(t0."Amount") AS DOUBLE) AS "c1" FROM "Sales" AS t0 INNER JOIN "Product" AS t1 ON t0."ProductId" = t1."ProductId" INNER JOIN "Store Info" AS t2 ON t0."StoreId" = t2."StoreId" WHERE ((t2."Manager" = $1) OR (t1."Category" = $2)) GROUP BY t2."Region" ORDER BY "c0" ASC NULLS LAST
-- args: []interface {}{"nobody", "Bikes"}
