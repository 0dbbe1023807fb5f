SELECT t2."Region" AS "c0", t1."Category" AS "c1", CAST(SUM(t0."Qty") AS BIGINT) AS "c2" FROM "Sales" AS t0 LEFT JOIN "Product" AS t1 ON t0."ProductId" = t1."ProductId" LEFT JOIN "Store Info" AS t2 ON t0."StoreId" = t2."StoreId" GROUP BY t2."Region", t1."Category" ORDER BY "c0" ASC NULLS LAST, "c1" ASC NULLS LAST
-- args: []interface {}(nil)
