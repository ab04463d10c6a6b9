-- pgbench row (f), the floor: a C function of azure_generate_upload_sas's shape (same arguments,
-- default, RETURNS TABLE columns and row size) that returns a constant row at once (bench/floor/noop_srf.c).
SELECT * FROM bench_noop_upload('photo.png', 'image/png');
