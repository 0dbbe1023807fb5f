SELECT t0."Customer" AS "c0" FROM "Sales" AS t0 GROUP BY t0."Customer" ORDER BY "c0" DESC NULLS LAST LIMIT 3
-- args: []interface {}(nil)
