-- pgbench row (f) baseline: the cheapest query a connection can run.
SELECT 1;
