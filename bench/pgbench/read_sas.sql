-- pgbench row (f): a read URL for one of the caller's files, picked at random by id
-- (ids 1..rows of the bench's azure_files; RLS and the function's ownership check apply).
\set id random(1, :rows)
SELECT azure_generate_read_sas(blob_name) FROM azure_files WHERE id = :id;
