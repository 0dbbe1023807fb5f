SELECT t0."Region" AS "c0" FROM "Store Info" AS t0 WHERE (t0."Region" IN ($1)) GROUP BY t0."Region" ORDER BY "c0" ASC NULLS LAST
-- args: []interface {}{"East"}
