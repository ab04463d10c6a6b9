'use strict';
// Load driver of test/t/900_soak.pl: the upload flow of the README as an app
// backend runs it, from SOAK_CLIENTS concurrent workers for SOAK_SECONDS.
//
// Each worker is one app user ('u' + worker number) with two long-lived
// connections: "app" (a login role granted azure_blob_user, as the app backend)
// and "ops" (granted azure_blob_admin: the ledger and azure_process_deletions,
// as a cron job would). One iteration:
//   1. app:  BEGIN; SET LOCAL azure_blob.user_id; azure_generate_upload_sas(); COMMIT
//   2. http: PUT 64-8192 bytes to the SAS URL (node:http, x-ms-blob-type:
//            BlockBlob), up to PUT_TRIES times 500 ms apart, as a browser
//            would retry before the user gives up
//   3. app:  BEGIN; SET LOCAL ...; azure_save_metadata(); COMMIT, up to
//            SAVE_TRIES times on 08006/38000/57014 (Azurite down: the HEAD of
//            verify_uploads fails); a file whose PUT or save gave up is
//            abandoned (its blob, if any, is what azure_reconcile reports)
//   4. app:  azure_generate_read_sas() for one of the user's saved files; in
//            GET_PCT % of iterations, GET it and compare the bytes (sha256)
//   5. in DELETE_PCT % of iterations: app: DELETE one of the user's rows
//            (plain SQL: it works while Azurite is down, and queues the blob);
//            ops: azure_process_deletions(20), concurrently from every worker
// Steps 4 and 5 pick among the user's earlier files, so that they keep
// running (and the outbox keeps filling) while uploads fail during an outage.
// After every step whose outcome the app learns (COMMIT returned, PUT answered),
// the ops connection writes it to soak.ledger in a transaction of its own: the
// ledger holds what the app believes, not what the extension did.
//
// Errors are expected while Azurite is down: every one is counted by phase
// and SQLSTATE (or Node error code / HTTP status) and logged with its time to
// events.jsonl; none ends a worker. Only an error that is not an SQL error on
// a live connection (a dead backend, a broken ledger) ends a worker; it is
// counted as "fatal".
//
// RSS of every backend of the driver (/proc/<pid>/status: VmRSS, RssAnon,
// RssFile, RssShmem) is sampled after connecting, after a warm-up, every 10 s
// and at the end, before the connections close. One more connection
// (soak-ops-monitor) samples azure_pending_deletions every second.
//
// Environment: SOAK_OUT (output directory), SOAK_DB, SOAK_APP_ROLE,
// SOAK_OPS_ROLE, SOAK_PASSWORD, SOAK_SECONDS (120), SOAK_CLIENTS (16),
// SOAK_SEED (1), SOAK_WARM_SECONDS (10); PGHOST/PGPORT as for libpq.
// Writes SOAK_OUT/started (when the load begins), events.jsonl, summary.json.

const { Client } = require('pg');
const http = require('node:http');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const env = process.env;
const SECONDS = Number(env.SOAK_SECONDS || 120);
const CLIENTS = Number(env.SOAK_CLIENTS || 16);
const SEED = String(env.SOAK_SEED || '1');
const WARM_SECONDS = Number(env.SOAK_WARM_SECONDS || Math.min(10, Math.max(1, Math.floor(SECONDS / 8))));
const OUT = env.SOAK_OUT;
const DB = env.SOAK_DB;
const CTYPE = 'application/octet-stream';
const DELETE_PCT = 30;
const GET_PCT = 25;
const PUT_TRIES = 6;       // 500 ms apart: a browser retrying for about 3 s, then the user gives up
const SAVE_TRIES = 8;      // 500 ms apart, each after the extension's own retries (about 0.7 s)
const RETRY_PAUSE_MS = 500;
const RETRYABLE_SQLSTATES = new Set(['08006', '38000', '57014']);

if (!OUT || !DB || !env.SOAK_APP_ROLE || !env.SOAK_OPS_ROLE || !env.SOAK_PASSWORD) {
	console.error('driver.js: SOAK_OUT, SOAK_DB, SOAK_APP_ROLE, SOAK_OPS_ROLE and SOAK_PASSWORD are required');
	process.exit(2);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Deterministic choices per worker (sizes, bytes, which iterations delete or
// GET): the same SOAK_SEED gives the same sequence of files per worker.
function mulberry32(a) {
	return function () {
		a |= 0; a = (a + 0x6D2B79F5) | 0;
		let t = Math.imul(a ^ (a >>> 15), 1 | a);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}
function seedFor(w) {
	return crypto.createHash('sha256').update(`${SEED}/${w}`).digest().readUInt32LE(0);
}
function bytes(rnd, n) {
	const b = Buffer.allocUnsafe(n);
	for (let i = 0; i < n; i++) b[i] = Math.floor(rnd() * 256);
	return b;
}
const sha256 = (b) => crypto.createHash('sha256').update(b).digest('hex');

// ---------------------------------------------------------------------------
// Counters.
const ok = {};          // phase -> successes
const errors = {};      // phase -> code -> count
const latency = {};     // phase -> [ms] of successes
const anomalies = [];   // outcomes that must never happen; each ends up in the report
const stats = {
	iterations: 0, put_created: 0, put_unknown: 0, put_failed: 0, put_rejected: 0,
	saved: 0, abandoned: 0, save_unknown: 0, read_sas: 0, gets_verified: 0, get_mismatch: 0,
	deleted: 0, deletions_processed: 0, fatal: 0,
};
const events = fs.createWriteStream(path.join(OUT, 'events.jsonl'));
let t0 = Date.now(); // reset when the load starts

const buckets = []; // per 10 s of the load: { iterations, latency: { phase: [ms] } }
function bucket() {
	const k = Math.max(0, Math.floor((Date.now() - t0) / 10000));
	while (buckets.length <= k) buckets.push({ iterations: 0, latency: {} });
	return buckets[k];
}
function okPhase(phase, ms) {
	ok[phase] = (ok[phase] || 0) + 1;
	(latency[phase] = latency[phase] || []).push(ms);
	const b = bucket().latency;
	(b[phase] = b[phase] || []).push(ms);
}
function codeOf(e) {
	if (e && typeof e.code === 'string' && e.code) return e.code;
	return 'no-code';
}
function recordError(phase, code, w, msg) {
	errors[phase] = errors[phase] || {};
	errors[phase][code] = (errors[phase][code] || 0) + 1;
	events.write(JSON.stringify({ t: Date.now(), w, phase, code, msg: String(msg || '').slice(0, 300) }) + '\n');
}
function anomaly(w, what) {
	anomalies.push({ t: Date.now(), w, what });
	events.write(JSON.stringify({ t: Date.now(), w, phase: 'anomaly', code: 'anomaly', msg: what }) + '\n');
}
// An SQL error on a live connection has a 5-character SQLSTATE; anything
// else (connection lost, protocol error) is not something to retry.
const isSqlError = (e) => e && typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code);

// ---------------------------------------------------------------------------
// SQL.
function connect(kind, w) {
	const c = new Client({
		database: DB,
		user: kind === 'app' ? env.SOAK_APP_ROLE : env.SOAK_OPS_ROLE,
		password: env.SOAK_PASSWORD,
		application_name: `soak-${kind}-${w}`,
		statement_timeout: 60000,
	});
	c.on('error', (e) => { c.deadError = e; });
	return c;
}

// One statement as app user uid, in a transaction of its own (the README's
// per-request pattern). A failure of COMMIT itself is marked: its outcome is
// unknown to the app.
async function asUser(client, uid, sql, params) {
	await client.query(`BEGIN; SET LOCAL azure_blob.user_id = '${uid}'`);
	let r;
	try {
		r = await client.query(sql, params);
	} catch (e) {
		try { await client.query('ROLLBACK'); } catch (_) { /* connection gone: reported by the caller */ }
		throw e;
	}
	try {
		await client.query('COMMIT');
	} catch (e) {
		e.atCommit = true;
		throw e;
	}
	return r;
}

// ---------------------------------------------------------------------------
// HTTP, as the browser does it: node:http, one keep-alive socket per worker.
function request(url, method, agent, body, headers) {
	return new Promise((resolve, reject) => {
		const req = http.request(url, { method, agent, headers, timeout: 15000 }, (res) => {
			const chunks = [];
			res.on('data', (c) => chunks.push(c));
			res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks) }));
			res.on('error', reject);
		});
		req.on('timeout', () => {
			const e = new Error('no answer within 15 s');
			e.code = 'ETIMEDOUT';
			req.destroy(e);
		});
		req.on('error', reject);
		req.end(body);
	});
}

// PUT with retries: 'created' (201), 'unknown' (a request may have reached
// Azurite without an answer, or a retry found the blob there: 403/409 on a
// create-only URL), 'failed' (never reached Azurite: only refused
// connections), 'rejected' (another HTTP status).
async function putBlob(w, url, body, agent) {
	let maybeSent = false;
	for (let tries = 1; tries <= PUT_TRIES; tries++) {
		const s = Date.now();
		try {
			const r = await request(url, 'PUT', agent, body, {
				'x-ms-blob-type': 'BlockBlob', 'Content-Type': CTYPE, 'Content-Length': body.length,
			});
			if (r.status === 201) {
				okPhase('put', Date.now() - s);
				return { outcome: 'created', tries };
			}
			recordError('put', `HTTP ${r.status}`, w, r.body.toString('utf8', 0, 200));
			if (r.status === 500 || r.status === 503) { maybeSent = true; await sleep(RETRY_PAUSE_MS); continue; }
			if (maybeSent && (r.status === 403 || r.status === 409)) return { outcome: 'unknown', tries };
			return { outcome: 'rejected', tries, status: r.status };
		} catch (e) {
			recordError('put', codeOf(e), w, e.message);
			if (e.code !== 'ECONNREFUSED') maybeSent = true;
			await sleep(RETRY_PAUSE_MS);
		}
	}
	return { outcome: maybeSent ? 'unknown' : 'failed', tries: PUT_TRIES };
}

// ---------------------------------------------------------------------------
let deadline = Infinity;
const workers = [];

async function worker(st) {
	const { w, app, ops } = st;
	const uid = 'u' + w;
	const rnd = mulberry32(seedFor(w));
	const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
	const ledger = (sql, params) => ops.query(sql, params);
	const mine = []; // this user's saved rows: { blob, digest, size }
	let i = 0;
	while (Date.now() < deadline) {
		i++;
		stats.iterations++;
		st.iterations++;
		bucket().iterations++;
		const file = `w${w}-${i}.bin`;
		const size = 64 + Math.floor(rnd() * 8129); // 64 .. 8192 bytes
		const body = bytes(rnd, size);
		const digest = sha256(body);
		const pickRead = rnd();
		const doGet = rnd() * 100 < GET_PCT;
		const doDelete = rnd() * 100 < DELETE_PCT;
		const pickDelete = rnd();
		let s;

		// 1-3. Upload: URL, PUT, save. A failure abandons this file only.
		await upload();

		// 4. Read URL for one of the user's files, and sometimes its bytes.
		if (mine.length) {
			const f = mine[Math.floor(pickRead * mine.length)];
			s = Date.now();
			try {
				const url = (await asUser(app, uid, 'SELECT azure_generate_read_sas($1) AS url', [f.blob])).rows[0].url;
				okPhase('read_sas', Date.now() - s);
				stats.read_sas++;
				if (!/[?&]sp=r(&|$)/.test(url)) anomaly(w, `read URL without sp=r for ${f.blob}`);
				if (doGet) {
					s = Date.now();
					try {
						const r = await request(url, 'GET', agent);
						if (r.status !== 200) {
							recordError('get', `HTTP ${r.status}`, w, r.body.toString('utf8', 0, 200));
						} else if (sha256(r.body) !== f.digest) {
							stats.get_mismatch++;
							anomaly(w, `GET ${f.blob}: ${r.body.length} bytes, not the ${f.size} uploaded`);
						} else {
							okPhase('get', Date.now() - s);
							stats.gets_verified++;
						}
					} catch (e) {
						recordError('get', codeOf(e), w, e.message);
					}
				}
			} catch (e) {
				if (!isSqlError(e)) throw e;
				recordError('read_sas', e.code, w, e.message);
			}
		}

		// 5. Delete one of the user's rows (SQL only: works while Azurite is
		// down), then process the outbox (needs Azurite).
		if (doDelete && mine.length) {
			const k = Math.floor(pickDelete * mine.length);
			const f = mine[k];
			s = Date.now();
			let deleted = false;
			try {
				const r = await asUser(app, uid, 'DELETE FROM azure_files WHERE blob_name = $1', [f.blob]);
				okPhase('delete_row', Date.now() - s);
				if (r.rowCount !== 1) anomaly(w, `DELETE ${f.blob}: ${r.rowCount} rows`);
				deleted = true;
			} catch (e) {
				if (!isSqlError(e) && !e.atCommit) throw e;
				recordError('delete_row', codeOf(e), w, e.message);
				if (e.atCommit) {
					mine.splice(k, 1);
					await ledger("UPDATE soak.ledger SET state = 'delete_unknown' WHERE blob_name = $1", [f.blob]);
				}
			}
			if (deleted) {
				mine.splice(k, 1);
				stats.deleted++;
				await ledger("UPDATE soak.ledger SET state = 'deleted', deleted_at = clock_timestamp() WHERE blob_name = $1",
					[f.blob]);
				s = Date.now();
				try {
					const n = (await ops.query('SELECT azure_process_deletions(20) AS n')).rows[0].n;
					okPhase('process_deletions', Date.now() - s);
					stats.deletions_processed += Number(n);
				} catch (e) {
					if (!isSqlError(e)) throw e;
					recordError('process_deletions', e.code, w, e.message);
				}
			}
		}

		async function upload() {
			let sas;
			s = Date.now();
			try {
				sas = (await asUser(app, uid, 'SELECT sas_url, blob_name FROM azure_generate_upload_sas($1, $2)', [file, CTYPE])).rows[0];
				okPhase('upload_sas', Date.now() - s);
			} catch (e) {
				if (!isSqlError(e)) throw e;
				recordError('upload_sas', e.code, w, e.message);
				return;
			}
			await ledger(`INSERT INTO soak.ledger (blob_name, worker, user_id, size_bytes, sha256, state)
				VALUES ($1, $2, $3, $4, $5, 'issued')`, [sas.blob_name, w, uid, size, digest]);

			const put = await putBlob(w, sas.sas_url, body, agent);
			stats['put_' + put.outcome]++;
			await ledger('UPDATE soak.ledger SET put_outcome = $2, put_tries = $3 WHERE blob_name = $1',
				[sas.blob_name, put.outcome, put.tries]);
			if (put.outcome === 'rejected') anomaly(w, `PUT ${sas.blob_name}: HTTP ${put.status}`);
			if (put.outcome === 'failed' || put.outcome === 'rejected') {
				stats.abandoned++;
				await ledger("UPDATE soak.ledger SET state = 'abandoned' WHERE blob_name = $1", [sas.blob_name]);
				return;
			}

			let row = null;
			let tries;
			let unknown = false;
			for (tries = 1; tries <= SAVE_TRIES; tries++) {
				s = Date.now();
				try {
					row = (await asUser(app, uid, 'SELECT id, size_bytes FROM azure_save_metadata($1)', [sas.blob_name])).rows[0];
					okPhase('save_metadata', Date.now() - s);
					break;
				} catch (e) {
					if (!isSqlError(e)) {
						if (e.atCommit) { unknown = true; break; }
						throw e;
					}
					recordError('save_metadata', e.code, w, e.message);
					if (e.atCommit) { unknown = true; break; }
					if (RETRYABLE_SQLSTATES.has(e.code)) {
						if (tries < SAVE_TRIES) await sleep(RETRY_PAUSE_MS);
						continue;
					}
					// P0002 (blob not in Azure; 42704 before 1.2) is expected only when the PUT's outcome was unknown.
					if (e.code !== 'P0002' || put.outcome === 'created') {
						anomaly(w, `save_metadata ${sas.blob_name} (PUT ${put.outcome}): ${e.code} ${e.message}`);
					}
					break;
				}
			}
			tries = Math.min(tries, SAVE_TRIES);
			if (unknown) {
				stats.save_unknown++;
				await ledger("UPDATE soak.ledger SET state = 'save_unknown', save_tries = $2 WHERE blob_name = $1",
					[sas.blob_name, tries]);
				return;
			}
			if (!row) {
				stats.abandoned++;
				await ledger("UPDATE soak.ledger SET state = 'abandoned', save_tries = $2 WHERE blob_name = $1",
					[sas.blob_name, tries]);
				return;
			}
			stats.saved++;
			if (Number(row.size_bytes) !== size) anomaly(w, `save_metadata ${sas.blob_name}: size_bytes ${row.size_bytes}, uploaded ${size}`);
			await ledger(`UPDATE soak.ledger SET state = 'saved', save_tries = $2, row_id = $3, saved_at = clock_timestamp()
				WHERE blob_name = $1`, [sas.blob_name, tries, row.id]);
			mine.push({ blob: sas.blob_name, digest, size });
		}
	}
	agent.destroy();
}

// ---------------------------------------------------------------------------
// RSS of the driver's backends.
const rssSamples = []; // { label, t, backends: { pid: {kind, w, VmRSS, RssAnon, RssFile, RssShmem} } }
function sampleRss(label) {
	const sample = { label, t: Date.now() - t0, backends: {} };
	for (const st of workers) {
		for (const [kind, pid] of [['app', st.appPid], ['ops', st.opsPid]]) {
			const b = { kind, w: st.w };
			try {
				const text = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
				for (const k of ['VmRSS', 'RssAnon', 'RssFile', 'RssShmem', 'VmHWM']) {
					const m = text.match(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm'));
					b[k] = m ? Number(m[1]) : null;
				}
			} catch (e) {
				b.error = e.code || e.message;
			}
			sample.backends[pid] = b;
		}
	}
	rssSamples.push(sample);
	return sample;
}

function pct(arr, p) {
	if (!arr.length) return null;
	const a = [...arr].sort((x, y) => x - y);
	return a[Math.min(a.length - 1, Math.floor((p / 100) * a.length))];
}

async function main() {
	for (let w = 0; w < CLIENTS; w++) {
		const st = { w, app: connect('app', w), ops: connect('ops', w), iterations: 0, fatal: null };
		await st.app.connect();
		await st.ops.connect();
		st.appPid = (await st.app.query('SELECT pg_backend_pid() AS p')).rows[0].p;
		st.opsPid = (await st.ops.query('SELECT pg_backend_pid() AS p')).rows[0].p;
		workers.push(st);
	}
	// The outbox, seen from outside: sampled every second on a connection of its own.
	const monitor = connect('ops', 'monitor');
	await monitor.connect();
	const queueSamples = [];
	let monitoring = true;
	const monitorLoop = (async () => {
		while (monitoring) {
			try {
				const r = (await monitor.query(`SELECT count(*)::int AS pending, (count(*) FILTER (WHERE attempts > 0))::int AS retried,
					coalesce(max(attempts), 0) AS max_attempts FROM azure_pending_deletions`)).rows[0];
				queueSamples.push({ t: Date.now(), ...r });
			} catch (e) {
				queueSamples.push({ t: Date.now(), error: codeOf(e) });
			}
			await sleep(1000);
		}
	})();
	sampleRss('connected');
	// The load starts now.
	t0 = Date.now();
	deadline = t0 + SECONDS * 1000;
	fs.writeFileSync(path.join(OUT, 'started'), String(t0) + '\n');

	const timers = [];
	timers.push(setTimeout(() => sampleRss('warm'), WARM_SECONDS * 1000));
	timers.push(setInterval(() => {
		sampleRss(`t+${Math.round((Date.now() - t0) / 1000)}s`);
		const e = Object.values(errors).reduce((n, m) => n + Object.values(m).reduce((a, b) => a + b, 0), 0);
		process.stderr.write(`# t=${Math.round((Date.now() - t0) / 1000)}s iterations=${stats.iterations} saved=${stats.saved} deleted=${stats.deleted} errors=${e} fatal=${stats.fatal}\n`);
	}, 10000));

	await Promise.all(workers.map((st) => worker(st).catch((e) => {
		stats.fatal++;
		st.fatal = `${codeOf(e)}: ${e.message}`;
		anomaly(st.w, `worker ended: ${st.fatal}`);
	})));
	const loadMs = Date.now() - t0;
	timers.forEach((t) => { clearTimeout(t); clearInterval(t); });
	if (!rssSamples.some((s) => s.label === 'warm')) sampleRss('warm');
	sampleRss('end');
	monitoring = false;
	await monitorLoop;
	await monitor.end().catch(() => {});

	const lat = {};
	for (const [phase, arr] of Object.entries(latency)) {
		lat[phase] = { n: arr.length, p50: pct(arr, 50), p95: pct(arr, 95), p99: pct(arr, 99), max: Math.max(...arr) };
	}
	const timeline = buckets.map((b, k) => {
		const p50 = {};
		for (const [ph, arr] of Object.entries(b.latency)) p50[ph] = pct(arr, 50);
		return { t: k * 10, iterations: b.iterations, p50 };
	});
	const summary = {
		seconds: SECONDS, clients: CLIENTS, seed: SEED, warm_seconds: WARM_SECONDS,
		t0, load_ms: loadMs, stats, ok, errors, latency_ms: lat, anomalies,
		workers: workers.map((st) => ({ w: st.w, iterations: st.iterations, app_pid: st.appPid, ops_pid: st.opsPid, fatal: st.fatal })),
		timeline,
		rss: rssSamples,
		queue: queueSamples,
	};
	await new Promise((r) => events.end(r));
	fs.writeFileSync(path.join(OUT, 'summary.json'), JSON.stringify(summary, null, 1));
	for (const st of workers) {
		await st.app.end().catch(() => {});
		await st.ops.end().catch(() => {});
	}
	process.stderr.write(`# driver done: ${stats.iterations} iterations in ${(loadMs / 1000).toFixed(1)} s, fatal=${stats.fatal}\n`);
}

main().catch((e) => {
	console.error('driver.js:', e);
	process.exit(1);
});
