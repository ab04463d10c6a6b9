-- pgbench row (f), the read floor: the same row fetch as read_sas.sql under the same row-level
-- security, through a C function of azure_generate_read_sas's shape that returns a constant
-- text of a read URL's size at once (bench/floor/noop_srf.c): no ownership check, no signature.
\set id random(1, :rows)
SELECT bench_noop_read(blob_name) FROM azure_files WHERE id = :id;
