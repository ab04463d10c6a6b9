#!/usr/bin/env node
// Browser upload example for azure_blob: the whole backend of the
// "File storage with Azure Blob Storage" guide, with Postgres doing the signing.
//
// The backend holds no storage key and no Azure SDK. Each endpoint is one SQL
// statement, run in its own transaction after
//     SELECT set_config('azure_blob.user_id', <user>, true)   -- SET LOCAL
//
//   GET  /                      the page (index.html, app.js, style.css)
//   POST /api/upload-url        {fileName, contentType}
//                               -> SELECT * FROM azure_generate_upload_sas($1, $2)
//   POST /api/files             {blobName}
//                               -> SELECT * FROM azure_save_metadata($1)
//   GET  /api/files             -> SELECT blob_name, azure_generate_read_sas(blob_name) AS url,
//                                         size_bytes, content_type FROM azure_files
//
// The browser PUTs the bytes straight to the storage service with the upload
// URL; the storage account must allow the page's origin with CORS
// (SELECT azure_set_cors(ARRAY['http://127.0.0.1:8080'], ARRAY['PUT','GET','HEAD','OPTIONS'])).
//
// Configuration (environment):
//   PORT          TCP port on 127.0.0.1 (default 8080; 0 = any free port)
//   PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE
//                 the database, as for psql; the role needs azure_blob_user
//   DATABASE_URL  alternatively, a postgres:// connection URI
//   DEMO_USER     the application user id used when a request has no X-User-Id
//                 header (default "demo-user")
//
// Who the user is: a real app takes it from its own authentication (session
// cookie, JWT). This example takes it from an X-User-Id request header, or
// uses DEMO_USER. Postgres trusts that value (row-level security keys on it),
// so never expose such a header-trusting backend beyond your own machine.
//
// On startup it prints "listening on http://127.0.0.1:<port>" on stdout.
'use strict';

const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const { Pool } = require('pg');

const HOST = '127.0.0.1';
const PORT = process.env.PORT === undefined ? 8080 : Number(process.env.PORT);
const DEMO_USER = process.env.DEMO_USER || 'demo-user';
const MAX_BODY = 16 * 1024;

if (!Number.isInteger(PORT) || PORT < 0 || PORT > 65535) {
  console.error(`invalid PORT: ${process.env.PORT}`);
  process.exit(2);
}

// ---------------------------------------------------------------------------
// Static files: a fixed list, read once, so no request path reaches the disk.
const STATIC = {
  '/': ['index.html', 'text/html; charset=utf-8'],
  '/index.html': ['index.html', 'text/html; charset=utf-8'],
  '/app.js': ['app.js', 'text/javascript; charset=utf-8'],
  '/style.css': ['style.css', 'text/css; charset=utf-8'],
};
const files = {};
for (const [route, [name, type]] of Object.entries(STATIC)) {
  files[route] = { body: fs.readFileSync(path.join(__dirname, name)), type };
}

// The page talks to this server ('self') and to the storage service (any
// http(s) origin: the blob endpoint is whatever the DBA configured). Previews
// are shown from blob: URLs made of the fetched bytes.
const SECURITY_HEADERS = {
  'Content-Security-Policy':
    "default-src 'self'; connect-src 'self' http: https:; img-src 'self' blob:; " +
    "style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
};

// ---------------------------------------------------------------------------
// Database. pg reads PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE itself.
const pool = new Pool({
  connectionString: process.env.DATABASE_URL || undefined,
  max: 5,
  application_name: 'azure_blob browser-upload example',
});
pool.on('error', (err) => console.error(`idle database client error: ${err.message}`));

// Run one statement as the application user, in its own transaction, so that
// set_config(..., true) (SET LOCAL) cannot leak into the next request that
// gets the same pooled connection.
async function asUser(userId, sql, params) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query("SELECT set_config('azure_blob.user_id', $1, true)", [userId]);
    const result = await client.query(sql, params);
    await client.query('COMMIT');
    return result.rows;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

// ---------------------------------------------------------------------------
// HTTP helpers.
class HttpError extends Error {
  constructor(status, message, code) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

function send(res, status, body, type, extra) {
  res.writeHead(status, {
    'Content-Type': type,
    'Content-Length': Buffer.byteLength(body),
    ...SECURITY_HEADERS,
    ...extra,
  });
  res.end(body);
}

function sendJson(res, status, value) {
  send(res, status, JSON.stringify(value), 'application/json; charset=utf-8');
}

// JSON body of at most MAX_BODY bytes. Requiring application/json also means a
// cross-site form cannot post here: a cross-origin JSON request needs a CORS
// preflight, which this server never grants.
function readJson(req) {
  return new Promise((resolve, reject) => {
    const type = (req.headers['content-type'] || '').split(';')[0].trim().toLowerCase();
    if (type !== 'application/json') {
      reject(new HttpError(415, 'Content-Type must be application/json'));
      req.resume();
      return;
    }
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new HttpError(413, 'request body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      try {
        const value = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        if (value === null || typeof value !== 'object' || Array.isArray(value)) {
          throw new Error('not an object');
        }
        resolve(value);
      } catch (e) {
        reject(new HttpError(400, 'body must be a JSON object'));
      }
    });
    req.on('error', reject);
  });
}

function requireString(body, name, max) {
  const v = body[name];
  if (typeof v !== 'string' || v.length === 0 || v.length > max) {
    throw new HttpError(400, `${name} must be a non-empty string of at most ${max} characters`);
  }
  return v;
}

// The application user for this request (see the header comment).
function userOf(req) {
  const h = req.headers['x-user-id'];
  if (h === undefined) return DEMO_USER;
  if (typeof h !== 'string' || !/^[A-Za-z0-9_.@-]{1,64}$/.test(h)) {
    throw new HttpError(400, 'X-User-Id must be 1-64 characters of A-Z a-z 0-9 _ . @ -');
  }
  return h;
}

// Postgres errors the caller can act on keep their message (azure_blob's
// messages never contain a key or a signature); anything else is logged here
// and reported as a generic 500.
function pgErrorToHttp(err) {
  const code = typeof err.code === 'string' ? err.code : '';
  if (code === '42501') return new HttpError(403, err.message, code);
  if (code === '23505') return new HttpError(409, err.message, code);
  if (code.startsWith('22') || code === '0A000') return new HttpError(400, err.message, code);
  if (code === '42704' || code === '55000') return new HttpError(409, err.message, code);
  if (code === 'P0002') return new HttpError(404, err.message, code);
  return null;
}

// ---------------------------------------------------------------------------
// Endpoints.
async function uploadUrl(req) {
  const user = userOf(req);
  const body = await readJson(req);
  const fileName = requireString(body, 'fileName', 1024);
  const contentType = requireString(body, 'contentType', 255);
  const rows = await asUser(user,
    'SELECT sas_url, blob_name, file_url, expires_at FROM azure_generate_upload_sas($1, $2)',
    [fileName, contentType]);
  const r = rows[0];
  return {
    sasUrl: r.sas_url,
    blobName: r.blob_name,
    fileUrl: r.file_url,
    expiresAt: r.expires_at,
  };
}

async function saveFile(req) {
  const user = userOf(req);
  const body = await readJson(req);
  const blobName = requireString(body, 'blobName', 1024);
  const rows = await asUser(user,
    'SELECT id, blob_name, file_url, user_id, upload_timestamp, content_type, size_bytes, etag ' +
    'FROM azure_save_metadata($1)',
    [blobName]);
  return rowToFile(rows[0]);
}

async function listFiles(req) {
  const user = userOf(req);
  const rows = await asUser(user,
    'SELECT blob_name, azure_generate_read_sas(blob_name) AS url, size_bytes, content_type, ' +
    'upload_timestamp FROM azure_files ORDER BY upload_timestamp DESC, id DESC',
    []);
  return { user, files: rows.map(rowToFile) };
}

function rowToFile(r) {
  const out = { blobName: r.blob_name };
  if (r.url !== undefined) out.url = r.url;
  if (r.file_url !== undefined) out.fileUrl = r.file_url;
  if (r.user_id !== undefined) out.userId = r.user_id;
  // bigint arrives as a string; sizes of real files fit in a double.
  out.sizeBytes = r.size_bytes === null || r.size_bytes === undefined ? null : Number(r.size_bytes);
  out.contentType = r.content_type === undefined ? null : r.content_type;
  if (r.etag !== undefined) out.etag = r.etag;
  out.uploadedAt = r.upload_timestamp === undefined ? null : r.upload_timestamp;
  return out;
}

const ROUTES = {
  'POST /api/upload-url': uploadUrl,
  'POST /api/files': saveFile,
  'GET /api/files': listFiles,
};

async function handle(req, res) {
  const url = new URL(req.url, `http://${HOST}`);
  const route = ROUTES[`${req.method} ${url.pathname}`];
  if (route) {
    try {
      sendJson(res, 200, await route(req));
    } catch (err) {
      const httpErr = err instanceof HttpError ? err : pgErrorToHttp(err);
      if (httpErr) {
        sendJson(res, httpErr.status, { error: httpErr.message, sqlstate: httpErr.code });
      } else {
        console.error(`${req.method} ${url.pathname}: ${err.code || ''} ${err.message}`);
        sendJson(res, 500, { error: 'internal error (see the server log)' });
      }
    }
    return;
  }
  if (url.pathname === '/favicon.ico') {
    res.writeHead(204, SECURITY_HEADERS);
    res.end();
    return;
  }
  const file = files[url.pathname];
  if (file && (req.method === 'GET' || req.method === 'HEAD')) {
    res.writeHead(200, {
      'Content-Type': file.type,
      'Content-Length': file.body.length,
      ...SECURITY_HEADERS,
    });
    res.end(req.method === 'HEAD' ? undefined : file.body);
    return;
  }
  if (file || Object.keys(ROUTES).some((k) => k.endsWith(` ${url.pathname}`))) {
    send(res, 405, 'method not allowed\n', 'text/plain; charset=utf-8');
    return;
  }
  send(res, 404, 'not found\n', 'text/plain; charset=utf-8');
}

const server = http.createServer((req, res) => {
  handle(req, res).catch((err) => {
    console.error(`unhandled: ${err.stack || err}`);
    if (!res.headersSent) send(res, 500, 'internal error\n', 'text/plain; charset=utf-8');
    else res.destroy();
  });
});

server.on('error', (err) => {
  console.error(`cannot listen on ${HOST}:${PORT}: ${err.message}`);
  process.exit(1);
});

server.listen(PORT, HOST, () => {
  console.log(`listening on http://${HOST}:${server.address().port}`);
});

function shutdown(signal) {
  console.log(`${signal}: shutting down`);
  server.close();
  server.closeAllConnections();
  pool.end().finally(() => process.exit(0));
  // Do not hang on a stuck database connection.
  setTimeout(() => process.exit(0), 3000).unref();
}
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
