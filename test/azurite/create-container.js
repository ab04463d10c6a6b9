#!/usr/bin/env node
// Create a blob container with the Blob REST API and Shared Key auth.
//
// The extension has no "create container" function yet, so the e2e suite and
// the demo create their container with this script. It uses node:crypto and
// node:http only (no Azure SDK), following azure-sas-spec.md §5:
//   * string-to-sign = VERB + 11 standard header lines + canonicalized x-ms-*
//     headers + canonicalized resource;
//   * Content-Length 0 is signed as an EMPTY line (x-ms-version >= 2015-02-21);
//   * canonicalized resource = "/" + account + <URL path exactly as sent>, so a
//     path-style emulator URL carries the account name twice
//     ("/devstoreaccount1/devstoreaccount1/uploads"), then "\nrestype:container".
//
// Usage:
//   node create-container.js <blobEndpoint> <container>
//       blobEndpoint e.g. http://127.0.0.1:10000/devstoreaccount1
//   node create-container.js --self-test
//       checks the signer against vector K1 of the spec, no network.
// Account and key default to Azurite's documented development account; override
// with AZURE_ACCOUNT_NAME / AZURE_ACCOUNT_KEY.
// Exit 0 on 201 (created) or 409 (already exists), 1 otherwise, 2 on bad usage.
'use strict';

const crypto = require('node:crypto');
const http = require('node:http');
const https = require('node:https');

// Azurite's well-known development account (public, documented by Microsoft).
const DEV_ACCOUNT = 'devstoreaccount1';
const DEV_KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';
// Pinned: accepted by Azurite >= 3.35 and by Azure (spec §8.1).
const API_VERSION = '2025-07-05';

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun',
  'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

// RFC 1123 date from fixed English names (spec §1.2), independent of locale.
function rfc1123(d) {
  const p2 = (n) => String(n).padStart(2, '0');
  return `${DAYS[d.getUTCDay()]}, ${p2(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ` +
    `${d.getUTCFullYear()} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:` +
    `${p2(d.getUTCSeconds())} GMT`;
}

// Culture-aware header sort key (spec §5.2): drop '-', map '_' below '0'.
function headerSortKey(name) {
  return name.replace(/-/g, '').replace(/_/g, '/');
}

function compareHeaderNames(a, b) {
  const ka = headerSortKey(a);
  const kb = headerSortKey(b);
  if (ka !== kb) return ka < kb ? -1 : 1;
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

// Build the Shared Key string-to-sign for a request.
//   method: upper-case verb; path: URL path exactly as sent (still encoded);
//   query: array of [name, value] already decoded; headers: {name: value}.
function stringToSign(account, method, path, query, headers) {
  const h = {};
  for (const [k, v] of Object.entries(headers)) h[k.toLowerCase()] = String(v);
  const std = (name) => (h[name] === undefined ? '' : h[name]);
  // Content-Length "0" signs as empty (spec §5.1).
  const contentLength = std('content-length') === '0' ? '' : std('content-length');
  const lines = [
    method,
    std('content-encoding'),
    std('content-language'),
    contentLength,
    std('content-md5'),
    std('content-type'),
    '', // Date: always empty, x-ms-date is sent instead.
    std('if-modified-since'),
    std('if-match'),
    std('if-none-match'),
    std('if-unmodified-since'),
    std('range'),
  ];
  const msNames = Object.keys(h).filter((n) => n.startsWith('x-ms-')).sort(compareHeaderNames);
  const canonHeaders = msNames.map((n) => `${n}:${h[n].trim()}\n`).join('');
  let canonResource = `/${account}${path === '' ? '/' : path}`;
  const q = query.map(([k, v]) => [k.toLowerCase(), v])
    .sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
  for (const [k, v] of q) canonResource += `\n${k}:${v}`;
  return lines.join('\n') + '\n' + canonHeaders + canonResource;
}

function sign(keyB64, sts) {
  const key = Buffer.from(keyB64, 'base64');
  return crypto.createHmac('sha256', key).update(sts, 'utf8').digest('base64');
}

// Vector K1 of azure-sas-spec.md Appendix A.4 (Create Container).
function selfTest() {
  const sts = stringToSign(DEV_ACCOUNT, 'PUT', '/devstoreaccount1/mycontainer',
    [['restype', 'container']],
    {
      'x-ms-date': 'Mon, 01 Jan 2024 00:00:00 GMT',
      'x-ms-version': '2025-07-05',
      'content-length': '0',
    });
  const wantSts = 'PUT\n\n\n\n\n\n\n\n\n\n\n\nx-ms-date:Mon, 01 Jan 2024 00:00:00 GMT\n' +
    'x-ms-version:2025-07-05\n/devstoreaccount1/devstoreaccount1/mycontainer\nrestype:container';
  const wantSig = '/8UKBwMXwRG3y4E/aNWLgBzxs/+gmifhMtY4lqMNCfI=';
  const got = sign(DEV_KEY, sts);
  if (sts !== wantSts || got !== wantSig) {
    console.error(`self-test FAILED: sig ${got}, want ${wantSig}`);
    console.error(JSON.stringify(sts));
    return 1;
  }
  console.log('self-test ok (vector K1)');
  return 0;
}

function createContainer(endpoint, container, account, key) {
  // Container names are [a-z0-9-], 3-63 chars: no encoding needed (spec §6.1).
  if (!/^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){2,62}$/.test(container)) {
    console.error(`invalid container name: ${container}`);
    return Promise.resolve(2);
  }
  const base = new URL(endpoint.replace(/\/$/, ''));
  const path = `${base.pathname.replace(/\/$/, '')}/${container}`;
  const headers = {
    'x-ms-date': rfc1123(new Date()),
    'x-ms-version': API_VERSION,
    'content-length': '0',
  };
  const sts = stringToSign(account, 'PUT', path, [['restype', 'container']], headers);
  headers.authorization = `SharedKey ${account}:${sign(key, sts)}`;
  const mod = base.protocol === 'https:' ? https : http;
  return new Promise((resolve) => {
    const req = mod.request({
      method: 'PUT',
      hostname: base.hostname,
      port: base.port || (base.protocol === 'https:' ? 443 : 80),
      path: `${path}?restype=container`,
      headers,
      timeout: 10000,
    }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { body += c; });
      res.on('end', () => {
        const code = res.statusCode;
        if (code === 201) {
          console.log(`201 created container ${container}`);
          resolve(0);
        } else if (code === 409) {
          console.log(`409 container ${container} already exists`);
          resolve(0);
        } else {
          console.error(`create container ${container}: HTTP ${code} ${res.headers['x-ms-error-code'] || ''}`);
          if (body) console.error(body);
          resolve(1);
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (e) => {
      console.error(`create container ${container}: ${e.message}`);
      resolve(1);
    });
    req.end();
  });
}

async function main(argv) {
  if (argv.length === 1 && argv[0] === '--self-test') return selfTest();
  if (argv.length !== 2) {
    console.error('usage: create-container.js <blobEndpoint> <container> | --self-test');
    return 2;
  }
  const account = process.env.AZURE_ACCOUNT_NAME || DEV_ACCOUNT;
  const key = process.env.AZURE_ACCOUNT_KEY || DEV_KEY;
  return createContainer(argv[0], argv[1], account, key);
}

if (require.main === module) {
  main(process.argv.slice(2)).then((rc) => { process.exitCode = rc; });
}

module.exports = { stringToSign, sign, rfc1123 };
