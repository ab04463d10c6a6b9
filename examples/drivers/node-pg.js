#!/usr/bin/env node
// azure_blob from node-postgres (pg): the driver pattern of README.md,
// "From your app". The region between the "README snippet" markers is the
// README's snippet, byte for byte (test/t/110_drivers.pl compares them).
//
//   node examples/drivers/node-pg.js USER OTHER_USER
//
// As USER: gets an upload URL, PUTs a small text file with it, registers the
// blob (azure_save_metadata) and lists USER's files with read URLs; then lists
// OTHER_USER's files. Prints one tab-separated line per result:
//   upload  <sas_url>
//   put     <HTTP status>
//   saved   <blob_name> <user_id of the new row>
//   file    <user> <blob_name> <read URL>      (one per visible row)
//
// Connection: the libpq environment (PGHOST, PGPORT, PGUSER, PGPASSWORD,
// PGDATABASE); the role needs azure_blob_user and azure_grant(role, 'user').
// The pg package: `npm ci` in examples/browser-upload, then run with
// NODE_PATH=examples/browser-upload/node_modules (or `npm install pg` here).
'use strict';

// README snippet begin
const { Pool } = require('pg');
const pool = new Pool(); // PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE

// Runs work(client) in one transaction in which azure_blob.user_id is userId.
// set_config(..., true) is SET LOCAL: the value ends with the transaction, so a
// pooled connection never carries one request's user into the next.
async function asUser(userId, work) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query("SELECT set_config('azure_blob.user_id', $1, true)", [userId]);
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

const uploadUrl = (userId, fileName, contentType) =>
  asUser(userId, async (db) => (await db.query(
    'SELECT sas_url, blob_name FROM azure_generate_upload_sas($1, $2)', [fileName, contentType])).rows[0]);

const saveMetadata = (userId, blobName) =>
  asUser(userId, async (db) => (await db.query(
    'SELECT blob_name, user_id FROM azure_save_metadata($1)', [blobName])).rows[0]);

const listFiles = (userId) =>
  asUser(userId, async (db) => (await db.query(
    'SELECT blob_name, azure_generate_read_sas(blob_name) AS url FROM azure_files ORDER BY id')).rows);
// README snippet end

async function main() {
  const [user, other] = process.argv.slice(2);
  if (!user || !other) {
    console.error('usage: node-pg.js USER OTHER_USER');
    process.exit(2);
  }
  const up = await uploadUrl(user, 'hello from node.txt', 'text/plain');
  console.log(`upload\t${up.sas_url}`);
  // What the browser does with the upload URL.
  const put = await fetch(up.sas_url, {
    method: 'PUT',
    headers: { 'x-ms-blob-type': 'BlockBlob', 'Content-Type': 'text/plain' },
    body: `hello from node-postgres as ${user}\n`,
  });
  console.log(`put\t${put.status}`);
  const saved = await saveMetadata(user, up.blob_name);
  console.log(`saved\t${saved.blob_name}\t${saved.user_id}`);
  for (const who of [user, other]) {
    for (const f of await listFiles(who)) {
      console.log(`file\t${who}\t${f.blob_name}\t${f.url}`);
    }
  }
}

main()
  .catch((err) => {
    console.error(`error: ${err.message}`);
    process.exitCode = 1;
  })
  .finally(() => pool.end());
