-- pgbench row (f): the guide's upload endpoint as one statement (bench_user, azure_blob.user_id from ALTER ROLE).
SELECT * FROM azure_generate_upload_sas('photo.png', 'image/png');
