# bench/lib/common.sh: sourced by run.sh and profile.sh (needs BENCH set).
# The configuration (bench/config.json) as shell variables, and the timed
# queries, so that the benchmark and the profile run the same SQL.

cfg() { node -p "const c = require('$BENCH/config.json'); $1"; }
# A config value as a dollar-quoted SQL literal.
lit() { local v; v="$(cfg "$1")"; printf '$v$%s$v$' "$v"; }

ACCOUNT="$(cfg c.account)"
CONTAINER="$(cfg c.container)"
USER_ID="$(cfg c.user_id)"
CONNSTR="DefaultEndpointsProtocol=https;AccountName=$ACCOUNT;AccountKey=$(cfg c.account_key);EndpointSuffix=$(cfg c.endpoint_suffix)"

# (a)'s fixed options: sp, se, st, rsct, rscd, rscc (the SDK loop signs the same).
READ_OPTS="$(lit c.read_url.permissions), $(lit c.read_url.expires_at), $(lit c.read_url.starts_at), content_type => $(lit c.read_url.content_type), content_disposition => $(lit c.read_url.content_disposition), cache_control => $(lit c.read_url.cache_control)"
UPLOAD_CT="$(lit c.upload.content_type)"

# {N} is the row count (bench_runs picks it; profile.sh substitutes it).
Q_A="SELECT count(azure_blob_sas_url('photo-' || g || '.png', $READ_OPTS)) FROM generate_series(1, {N}) AS g"
Q_B="SELECT count(s.sas_url) FROM generate_series(1, {N}) AS g, LATERAL azure_generate_upload_sas('photo-' || g || '.png', $UPLOAD_CT) AS s"
Q_C="SELECT count(azure_generate_read_sas(blob_name)) FROM azure_files"
W_C="SELECT count(azure_generate_read_sas(blob_name)) FROM (SELECT blob_name FROM azure_files LIMIT 20000) AS f"
# (c)'s floor (bench/sql/setup.sql): the same lookup per row by the executor, no signing.
Q_C_FLOOR="SELECT bench_read_floor()"
