SELECT t1."Name" AS "c0", CAST(COUNT(*) AS BIGINT) AS "c1" FROM "Sales" AS t0 LEFT JOIN "Product" AS t1 ON t0."ProductId" = t1."ProductId" WHERE ((t1."Name" ILIKE $1 ESCAPE '\') OR (t1."Name" ILIKE $2 ESCAPE '\')) GROUP BY t1."Name" ORDER BY "c0" ASC NULLS LAST
-- args: []interface {}{"%ELM%", "ro%"}
