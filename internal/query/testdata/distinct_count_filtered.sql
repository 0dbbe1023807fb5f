SELECT CAST(COUNT(DISTINCT t0."Customer") AS BIGINT) AS "c0" FROM "Sales" AS t0 LEFT JOIN "Store Info" AS t1 ON t0."StoreId" = t1."StoreId" WHERE (t1."Region" IN ($1))
-- args: []interface {}{"West"}
