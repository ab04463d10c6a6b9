#!/usr/bin/env node
// Browser half of test/t/070_browser.pl: real headless Chromium (Debian's
// /usr/bin/chromium, driven by playwright-core) uses the example page of
// examples/browser-upload to upload files straight to Azurite.
//
// Environment (set by 070_browser.pl):
//   PAGE_URL        the example served on an origin that the CORS rule allows
//   OTHER_PAGE_URL  the same example on an origin the rule does not allow
//   SHOT_DIR        where to write upload.png and cors-blocked.png
//   RESULT_FILE     JSON written at the end: blob names for the .pl's own checks
//   CHROMIUM        browser binary (default /usr/bin/chromium)
//
// Output on stdout: one JSON object per line, {"ok": true|false, "name": ...,
// "why": ...} for a check (070_browser.pl makes each one TAP assertion) or
// {"note": ...}. Exit 0 unless the browser could not be driven at all (then 1,
// after printing what failed).
'use strict';

const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const zlib = require('node:zlib');
const { chromium } = require('playwright-core');

const PAGE_URL = process.env.PAGE_URL;
const OTHER_PAGE_URL = process.env.OTHER_PAGE_URL;
const SHOT_DIR = process.env.SHOT_DIR || path.resolve(__dirname, '../../build/browser');
const RESULT_FILE = process.env.RESULT_FILE || '';
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const WAIT_MS = 30000;

// Only loopback: background services off, and every host name but the
// literal 127.0.0.1 fails to resolve, so the browser cannot reach anything else.
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
];

// ---------------------------------------------------------------------------
// Reporting: one JSON line per check or note.
let failures = 0;
function emit(obj) {
  console.log(JSON.stringify(obj));
}
function ok(name) {
  emit({ ok: true, name });
}
function notOk(name, why) {
  failures++;
  emit(why ? { ok: false, name, why: String(why) } : { ok: false, name });
}
function check(cond, name, why) {
  if (cond) ok(name);
  else notOk(name, why);
  return !!cond;
}
function note(text) {
  emit({ note: text });
}

// ---------------------------------------------------------------------------
// A small PNG made here (no image library): 8-bit RGB, a colour gradient with
// a dark diagonal band, so a screenshot shows at once whether it rendered.
const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function pngChunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

function makePng(width, height) {
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1);
    raw[row] = 0; // filter: none
    for (let x = 0; x < width; x++) {
      const band = Math.abs(x - y * (width / height)) < 10;
      const i = row + 1 + x * 3;
      raw[i] = band ? 20 : Math.round((255 * x) / (width - 1));
      raw[i + 1] = band ? 20 : Math.round((255 * y) / (height - 1));
      raw[i + 2] = band ? 60 : 200;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type: RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', zlib.deflateSync(raw)),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

const sha256 = (buf) => crypto.createHash('sha256').update(buf).digest('hex');

// ---------------------------------------------------------------------------
// Page helpers.

// Record console messages, failed requests and storage-service responses of a page.
function watch(page, pageOrigin) {
  const log = { console: [], failed: [], storage: [], pageErrors: [] };
  page.on('console', (m) => {
    const where = m.location() && m.location().url ? ` (${m.location().url.replace(/sig=[^&]*/, 'sig=…')})` : '';
    log.console.push(`${m.type()}: ${m.text()}${where}`);
  });
  page.on('pageerror', (e) => log.pageErrors.push(String(e)));
  page.on('requestfailed', (r) => log.failed.push({
    method: r.method(), url: r.url(), error: (r.failure() || {}).errorText,
  }));
  page.on('response', async (r) => {
    const u = new URL(r.url());
    if (u.origin !== pageOrigin && u.protocol.startsWith('http')) {
      log.storage.push({ method: r.request().method(), url: r.url(), status: r.status(), headers: r.headers() });
    }
  });
  return log;
}

// Choose a file, click Upload, wait until the page says how it went.
// Returns {state, text, blobName} from #status, and the /api/upload-url answer.
async function uploadVia(page, file) {
  const issued = page.waitForResponse(
    (r) => r.url().endsWith('/api/upload-url') && r.request().method() === 'POST', { timeout: WAIT_MS });
  await page.setInputFiles('#file', file);
  await page.click('#upload');
  const issuedRes = await issued;
  const issuedBody = await issuedRes.json().catch(() => ({}));
  await page.waitForSelector('#status[data-state="ok"], #status[data-state="error"]', { timeout: WAIT_MS });
  const status = await page.$eval('#status', (el) => ({
    state: el.dataset.state, text: el.textContent, blobName: el.dataset.blobName || '', cors: el.dataset.cors || '',
  }));
  return { status, issuedStatus: issuedRes.status(), issued: issuedBody };
}

// Wait for the list entry of BLOB with its preview finished; return its state.
async function listEntry(page, blob) {
  const sel = `#files li[data-blob-name="${blob.replace(/["\\]/g, '\\$&')}"][data-preview]`;
  await page.waitForSelector(sel, { timeout: WAIT_MS });
  return page.$eval(sel, (li) => {
    const img = li.querySelector('.preview img');
    const pre = li.querySelector('.preview pre');
    return {
      preview: li.dataset.preview,
      previewBytes: Number(li.dataset.previewBytes || -1),
      href: li.querySelector('a').href,
      meta: li.querySelector('.meta').textContent,
      previewText: li.querySelector('.preview').textContent,
      img: img ? { w: img.naturalWidth, h: img.naturalHeight, complete: img.complete } : null,
      pre: pre ? pre.textContent : null,
    };
  });
}

// Fetch URL from inside the page (its origin, its CORS rules); bytes as Base64.
function fetchInPage(page, url) {
  return page.evaluate(async (u) => {
    try {
      const r = await fetch(u);
      const bytes = new Uint8Array(await r.arrayBuffer());
      let bin = '';
      for (const b of bytes) bin += String.fromCharCode(b);
      return { status: r.status, type: r.headers.get('Content-Type'), b64: btoa(bin) };
    } catch (e) {
      return { error: `${e.name}: ${e.message}` };
    }
  }, url);
}

// ---------------------------------------------------------------------------
async function main() {
  if (!PAGE_URL || !OTHER_PAGE_URL) {
    notOk('browser-test.js configuration', 'PAGE_URL and OTHER_PAGE_URL must be set');
    return 1;
  }
  fs.mkdirSync(SHOT_DIR, { recursive: true });
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'azb-chromium-'));
  const result = { uploaded: [], blocked: null };
  let context;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 900, height: 760 },
      timeout: 60000,
    });
    ok(`launch ${CHROMIUM} (Chromium ${context.browser() ? context.browser().version() : '?'}) ` +
      'headless with a fresh profile');
  } catch (e) {
    notOk(`launch ${CHROMIUM} headless`, e.message);
    fs.rmSync(profile, { recursive: true, force: true });
    return 1;
  }

  try {
    await allowedOrigin(context, result);
    await blockedOrigin(context, result);
  } catch (e) {
    notOk('browser session ran to the end', e.stack || e.message);
  } finally {
    await context.close().catch(() => {});
    fs.rmSync(profile, { recursive: true, force: true });
    if (RESULT_FILE) fs.writeFileSync(RESULT_FILE, JSON.stringify(result));
  }
  return 0;
}

// The page on the origin the CORS rule allows: the whole flow must work.
async function allowedOrigin(context, result) {
  const page = await context.newPage();
  const origin = new URL(PAGE_URL).origin;
  const log = watch(page, origin);

  const res = await page.goto(PAGE_URL, { waitUntil: 'load', timeout: WAIT_MS });
  check(res && res.status() === 200, `GET ${PAGE_URL} -> 200`, res ? `got ${res.status()}` : 'no response');
  await page.waitForSelector('#files[data-loaded]', { state: 'attached', timeout: WAIT_MS });
  const user = await page.textContent('#user');
  const count0 = await page.$$eval('#files li', (l) => l.length);
  check(user === 'demo-user' && count0 === 0, 'page lists no files yet for demo-user',
    `user '${user}', ${count0} entries`);

  // --- a PNG image
  const png = makePng(160, 100);
  const up = await uploadVia(page, { name: 'browser test.png', mimeType: 'image/png', buffer: png });
  const blob = up.status.blobName;
  if (!check(up.status.state === 'ok' && blob, 'upload PNG: page reports success',
    `${up.status.state}: ${up.status.text}\nconsole: ${log.console.join('\n')}`)) {
    return;
  }
  check(blob === up.issued.blobName && /-browser test\.png$/.test(blob),
    'upload PNG: blob name issued by azure_generate_upload_sas, ends in "-browser test.png"', blob);
  result.uploaded.push({ blobName: blob, sha256: sha256(png), size: png.length, contentType: 'image/png' });

  // The PUT went cross-origin to Azurite and was allowed by the CORS rule.
  const put = log.storage.find((r) => r.method === 'PUT');
  check(put && put.status === 201 && put.headers['access-control-allow-origin'] === origin &&
    new URL(put.url).origin !== origin,
  `upload PNG: cross-origin PUT to the storage service -> 201 with Access-Control-Allow-Origin ${origin}`,
  JSON.stringify(put || log.storage));
  check(put && new URL(put.url).searchParams.get('sp') === 'c',
    'upload PNG: the PUT used the create-only upload URL (sp=c)', put ? put.url.replace(/sig=[^&]*/, 'sig=…') : '');

  const entry = await listEntry(page, blob);
  check(entry.preview === 'ok' && entry.img && entry.img.w === 160 && entry.img.h === 100,
    'upload PNG: listed, preview fetched with the read URL renders as a 160x100 image',
    JSON.stringify(entry));
  check(new URL(entry.href).searchParams.get('sp') === 'r', 'upload PNG: list link is a read URL (sp=r)',
    entry.href.replace(/sig=[^&]*/, 'sig=…'));
  const got = await fetchInPage(page, entry.href);
  const gotBytes = got.b64 ? Buffer.from(got.b64, 'base64') : Buffer.alloc(0);
  check(got.status === 200 && gotBytes.equals(png) && got.type === 'image/png',
    `upload PNG: fetch(read URL) in the page -> 200 image/png, the same ${png.length} bytes`,
    got.error || `status ${got.status}, type ${got.type}, ${gotBytes.length} bytes, sha256 ${sha256(gotBytes)} ` +
    `want ${sha256(png)}`);

  // --- a UTF-8 text file
  const text = 'Hello from headless Chromium.\nGrüße, Привет, Γειά σου, ½ + ¼ = ¾\n';
  const textBuf = Buffer.from(text, 'utf8');
  const up2 = await uploadVia(page, { name: 'notes ü.txt', mimeType: 'text/plain', buffer: textBuf });
  const blob2 = up2.status.blobName;
  if (check(up2.status.state === 'ok' && blob2, 'upload text "notes ü.txt": page reports success',
    `${up2.status.state}: ${up2.status.text}`)) {
    result.uploaded.push({ blobName: blob2, sha256: sha256(textBuf), size: textBuf.length, contentType: 'text/plain' });
    const e2 = await listEntry(page, blob2);
    check(e2.preview === 'ok' && e2.pre === text, 'upload text: preview shows the uploaded text',
      JSON.stringify(e2));
    const got2 = await fetchInPage(page, e2.href);
    const got2Bytes = got2.b64 ? Buffer.from(got2.b64, 'base64') : Buffer.alloc(0);
    check(got2.status === 200 && got2Bytes.equals(textBuf),
      `upload text: fetch(read URL) in the page -> 200, the same ${textBuf.length} bytes`,
      got2.error || `status ${got2.status}, ${got2Bytes.length} bytes`);
  }

  // The list after both uploads: newest first, and what azure_files recorded.
  const files = await page.evaluate(async () => (await (await fetch('/api/files')).json()).files);
  const names = files.map((f) => f.blobName);
  check(names.length === result.uploaded.length && names.includes(blob) && (!blob2 || names.includes(blob2)),
    `GET /api/files lists exactly the ${result.uploaded.length} uploaded files`, JSON.stringify(names));
  // azure_save_metadata checks the blob (azure_blob.verify_uploads, on by
  // default) and records what the storage service says about it.
  const row = files.find((f) => f.blobName === blob) || {};
  check(row.sizeBytes === png.length && row.contentType === 'image/png',
    `azure_files row of the PNG records size_bytes ${png.length} and content_type image/png`, JSON.stringify(row));

  const errs = log.console.filter((m) => m.startsWith('error')).concat(log.pageErrors);
  check(errs.length === 0, 'no console errors on the allowed origin', errs.join('\n'));

  const shot = path.join(SHOT_DIR, 'upload.png');
  await page.screenshot({ path: shot, fullPage: true });
  note(`screenshot ${shot}`);
  await page.close();
}

// The same page on an origin the CORS rule does not list: the backend still
// issues a URL, but the browser must refuse the PUT (preflight refused), the
// file must not be registered, and previews of existing files fail too.
async function blockedOrigin(context, result) {
  const page = await context.newPage();
  const log = watch(page, new URL(OTHER_PAGE_URL).origin);
  const res = await page.goto(OTHER_PAGE_URL, { waitUntil: 'load', timeout: WAIT_MS });
  check(res && res.status() === 200, `GET ${OTHER_PAGE_URL} (origin not in the CORS rule) -> 200`,
    res ? `got ${res.status()}` : 'no response');
  await page.waitForSelector('#files[data-loaded]', { state: 'attached', timeout: WAIT_MS });

  const buf = Buffer.from('this upload must be blocked by CORS\n', 'utf8');
  const up = await uploadVia(page, { name: 'blocked.txt', mimeType: 'text/plain', buffer: buf });
  result.blocked = { blobName: up.issued.blobName || '', sasUrlIssued: up.issuedStatus === 200 };
  check(up.issuedStatus === 200 && up.issued.blobName,
    'other origin: the backend still issues an upload URL (CORS is enforced by the browser)',
    `HTTP ${up.issuedStatus}`);
  check(up.status.state === 'error' && up.status.cors === 'blocked',
    'other origin: fetch(PUT) fails with a network (CORS) error, page reports it',
    `${up.status.state}: ${up.status.text}`);
  // The message names the URL of the refused request: the issued blob's.
  const issuedPath = up.issued.sasUrl ? new URL(up.issued.sasUrl).pathname : '\0';
  const corsMsg = log.console.find((m) => /blocked by CORS policy/i.test(m) && m.includes(issuedPath));
  check(corsMsg, 'other origin: Chromium logs "blocked by CORS policy" for the upload URL',
    log.console.join('\n') || 'no console messages');
  if (corsMsg) note(corsMsg.replace(/\?[^' ]*/g, '?…').slice(0, 400));
  const putOk = log.storage.find((r) => r.method === 'PUT' && r.status >= 200 && r.status < 300);
  check(!putOk, 'other origin: no PUT reached the storage service successfully', JSON.stringify(putOk));

  // Previews of the files uploaded from the allowed origin: listed (same user),
  // but their read URLs cannot be fetched from this origin.
  if (result.uploaded.length > 0) {
    const e = await listEntry(page, result.uploaded[0].blobName);
    check(e.preview === 'error', 'other origin: preview fetch of an existing file is blocked by CORS',
      JSON.stringify(e));
  }
  const listed = await page.$$eval('#files li', (l) => l.map((li) => li.dataset.blobName));
  check(!listed.includes(result.blocked.blobName), 'other origin: the blocked file is not in the list',
    JSON.stringify(listed));

  const shot = path.join(SHOT_DIR, 'cors-blocked.png');
  await page.screenshot({ path: shot, fullPage: true });
  note(`screenshot ${shot}`);
  await page.close();
}

main().then((rc) => {
  process.exitCode = rc;
}, (e) => {
  notOk('browser-test.js', e.stack || e.message);
  process.exitCode = 1;
});
