SELECT t1."Region" AS "c0", CAST(COUNT(*) AS BIGINT) AS "c1" FROM "Sales" AS t0 LEFT JOIN "Store Info" AS t1 ON t0."StoreId" = t1."StoreId" GROUP BY t1."Region" ORDER BY "c0" ASC NULLS LAST
-- args: []interface {}(nil)
