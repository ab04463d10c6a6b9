'use strict';
// The string-to-sign behind a read URL of row (a), rebuilt from the URL's own
// query (16-line layout of sv >= 2020-12-06, docs/azure-sas-spec.md 2.2) and
// checked against its `sig` with the account key. Prints
// {"length": L, "verified": true|false, "string_to_sign": "..."}: row (e)
// times HMACs over messages of length L.
//
//   node sts-length.js URL

const crypto = require('node:crypto');
const { config } = require('./common');

const url = new URL(process.argv[2]);
const q = url.searchParams;
const blobPath = decodeURIComponent(url.pathname); // /container/blob
const canonical = `/blob/${config.account}${blobPath}`;
const get = (k) => q.get(k) ?? '';
const lines = [
	get('sp'), get('st'), get('se'), canonical, get('si'), get('sip'), get('spr'), get('sv'), get('sr'),
	'', // snapshot time
	get('ses'), get('rscc'), get('rscd'), get('rsce'), get('rscl'), get('rsct'),
];
const sts = lines.join('\n');
const sig = crypto.createHmac('sha256', Buffer.from(config.account_key, 'base64')).update(sts, 'utf8').digest('base64');
process.stdout.write(JSON.stringify({
	length: Buffer.byteLength(sts, 'utf8'),
	verified: sig === q.get('sig'),
	string_to_sign: sts,
}) + '\n');
