'use strict';
// test/soak/report.js: numbers of a soak run (test/t/900_soak.pl).
//   node report.js analyze OUT GRACE_MS RSS_MAX_KB   KEY='VALUE' lines for the test
//   node report.js render  OUT GRACE_MS RSS_MAX_KB   the report (docs/soak-report.md is one) on stdout
// OUT holds summary.json and events.jsonl (driver.js), windows.tsv, final.env
// and soak.out (900_soak.pl).

const fs = require('node:fs');
const path = require('node:path');

const [mode, OUT, graceArg, rssMaxArg] = process.argv.slice(2);
const GRACE = Number(graceArg || 5000);
const RSS_MAX = Number(rssMaxArg || 4096);
const read = (f) => fs.readFileSync(path.join(OUT, f), 'utf8');
const exists = (f) => fs.existsSync(path.join(OUT, f));

const S = JSON.parse(read('summary.json'));
const events = exists('events.jsonl')
	? read('events.jsonl').split('\n').filter(Boolean).map((l) => JSON.parse(l)) : [];
const windows = (exists('windows.tsv') ? read('windows.tsv') : '').split('\n').filter(Boolean).map((l) => {
	const [at, len, down, gone, up] = l.split('\t').map(Number);
	return { at, len, down, gone, up: up > 0 ? up : Infinity };
});
const final = {};
if (exists('final.env')) {
	for (const l of read('final.env').split('\n')) {
		const m = l.match(/^([A-Z_0-9]+)=(.*)$/);
		if (m) final[m[1]] = m[2].replace(/^'(.*)'$/, '$1').replace(/\\(.)/g, '$1');
	}
}

// Which outage an error belongs to: from the kill to GRACE ms after Azurite answers again.
function windowOf(t) {
	for (let i = 0; i < windows.length; i++) {
		if (t >= windows[i].down && t <= windows[i].up + GRACE) return i;
	}
	return -1;
}
const errs = events.filter((e) => e.phase !== 'anomaly');
const byKey = new Map(); // "phase\tcode" -> { total, perWindow[], outside }
for (const e of errs) {
	const k = `${e.phase}\t${e.code}`;
	if (!byKey.has(k)) byKey.set(k, { total: 0, perWindow: windows.map(() => 0), outside: 0 });
	const r = byKey.get(k);
	r.total++;
	const w = windowOf(e.t);
	if (w < 0) r.outside++; else r.perWindow[w]++;
}
const outside = errs.filter((e) => windowOf(e.t) < 0);
const inOutages = errs.length - outside.length;

// RSS: growth of each backend from the "warm" sample to the "end" sample.
const sample = (label) => S.rss.find((s) => s.label === label);
const warm = sample('warm');
const end = sample('end');
const connected = sample('connected');
const rssRows = [];
let missing = 0;
for (const [pid, b] of Object.entries(warm ? warm.backends : {})) {
	const e = end && end.backends[pid];
	const c = connected && connected.backends[pid];
	if (!e || e.error || b.error) { missing++; continue; }
	rssRows.push({
		pid, kind: b.kind, w: b.w,
		vmConnected: c ? c.VmRSS : null, vmWarm: b.VmRSS, vmEnd: e.VmRSS,
		anonConnected: c ? c.RssAnon : null, anonWarm: b.RssAnon, anonEnd: e.RssAnon,
		shmemWarm: b.RssShmem, shmemEnd: e.RssShmem, hwm: e.VmHWM,
		anonGrowth: e.RssAnon - b.RssAnon, vmGrowth: e.VmRSS - b.VmRSS,
	});
}
const worstAnon = rssRows.reduce((a, r) => (!a || r.anonGrowth > a.anonGrowth ? r : a), null);
const worstVm = rssRows.reduce((a, r) => (!a || r.vmGrowth > a.vmGrowth ? r : a), null);
const fmtT = (t) => `${((t - S.t0) / 1000).toFixed(1)} s`;

if (mode === 'analyze') {
	const q = (v) => `'${String(v).replace(/'/g, `'\\''`)}'`;
	const list = outside.slice(0, 10).map((e) => `t=${fmtT(e.t)} w${e.w} ${e.phase} ${e.code}: ${e.msg}`).join('\n');
	const kv = {
		ITERATIONS: S.stats.iterations,
		ERRORS_TOTAL: errs.length,
		ERRORS_IN_OUTAGES: inOutages,
		ERRORS_OUTSIDE: outside.length,
		ERRORS_OUTSIDE_LIST: list,
		FATAL: S.stats.fatal,
		ANOMALIES: S.anomalies.length,
		GET_MISMATCH: S.stats.get_mismatch,
		GETS_VERIFIED: S.stats.gets_verified,
		RSS_WORST_ANON_KB: worstAnon ? worstAnon.anonGrowth : 0,
		RSS_WORST_ANON_PID: worstAnon ? worstAnon.pid : '',
		RSS_WORST_VMRSS_KB: worstVm ? worstVm.vmGrowth : 0,
		RSS_BACKENDS: rssRows.length,
		RSS_MISSING: missing + (rssRows.length === 0 ? 1 : 0),
	};
	for (const [k, v] of Object.entries(kv)) console.log(`${k}=${q(v)}`);
	process.exit(0);
}
if (mode !== 'render') {
	console.error('usage: report.js analyze|render OUT GRACE_MS RSS_MAX_KB');
	process.exit(2);
}

// ---------------------------------------------------------------------------
const L = [];
const p = (s = '') => L.push(s);
const n = (v) => (v === undefined || v === null || v === '' ? '?' : String(v));
const st = S.stats;
const tap = exists('soak.out') ? read('soak.out').split('\n').filter((l) => /^(ok|not ok) \d+ - /.test(l) || /^#   /.test(l)) : [];
const median = (a) => { const s = [...a].sort((x, y) => x - y); return s.length ? s[Math.floor(s.length / 2)] : null; };

p('# Soak report');
p();
p(`Written by \`test/t/900_soak.pl\` (the command: \`AZB_SOAK=1 make installcheck-tap PROVE_TESTS=test/t/900_soak.pl\`; settings below) on ${new Date(S.t0).toISOString().replace(/\.\d+Z$/, 'Z')},`);
p(`commit ${n(final.GIT_COMMIT)}${Number(final.GIT_DIRTY) > 0 ? ` plus ${final.GIT_DIRTY} modified tracked files` : ''}; PostgreSQL ${n(final.PG_VERSION)} (a node of PostgreSQL's TAP framework, private cluster), `);
p(`Azurite ${n(final.AZURITE_VERSION)} on disk, Node ${n(final.NODE_VERSION)}, ${n(final.CORES)} cores shared by all of them.`);
p();
p(`**Result: ${n(final.TAP_PASS)} passed, ${n(final.TAP_FAIL)} failed.**`);
p();
p('```');
for (const l of tap) p(l);
p('```');
p();
p('## Settings');
p();
p('| setting | value |');
p('|---|---|');
p(`| SOAK_CLIENTS (workers = app users u0..u${S.clients - 1}, each with an app and an ops connection) | ${S.clients} |`);
p(`| SOAK_SECONDS (load; the last iterations finish after it) | ${S.seconds} (load ran ${(S.load_ms / 1000).toFixed(1)} s) |`);
p(`| SOAK_OUTAGES (start:length, s after the load starts) | ${n(final.SOAK_OUTAGES)} |`);
p(`| SOAK_SEED (sizes, bytes, which iterations GET or DELETE) | ${S.seed} |`);
p(`| SOAK_GRACE_MS (errors this long after Azurite answers still belong to the outage) | ${GRACE} |`);
p(`| SOAK_RSS_MAX_KB (largest allowed RssAnon growth of one backend, warm to end) | ${RSS_MAX} |`);
p('| per iteration | upload URL, PUT 64-8192 bytes, save_metadata; read URL of one of the user\'s files, GET it in 25 %; in 30 %, DELETE one of the user\'s rows and azure_process_deletions(20) |');
p();
p('## Load');
p();
p('| | count |');
p('|---|---|');
p(`| iterations (files attempted) | ${st.iterations} (${(st.iterations / (S.load_ms / 1000)).toFixed(1)} per second) |`);
p(`| upload URLs signed | ${n(S.ok.upload_sas)} |`);
p(`| PUT to the upload URL: 201 | ${st.put_created} |`);
p(`| PUT: outcome unknown (no answer after the request may have arrived) | ${st.put_unknown} |`);
p(`| PUT: failed (only refused connections, never reached Azurite) | ${st.put_failed} |`);
p(`| PUT: rejected (other HTTP status) | ${st.put_rejected} |`);
p(`| save_metadata committed | ${st.saved} |`);
p(`| uploads abandoned (PUT failed, or save_metadata gave up) | ${st.abandoned} |`);
p(`| save_metadata COMMIT outcome unknown | ${st.save_unknown} |`);
p(`| read URLs signed | ${st.read_sas} |`);
p(`| downloads through the read URL, bytes verified (sha256) | ${st.gets_verified} (mismatches: ${st.get_mismatch}) |`);
p(`| rows deleted by the app users | ${st.deleted} |`);
p(`| deletions processed during the load (sum of azure_process_deletions(20)) | ${st.deletions_processed} |`);
p(`| deletions processed by the one final azure_process_deletions() | ${n(final.FINAL_PROCESSED)} |`);
p(`| workers ended by an error (fatal) | ${st.fatal} |`);
p();
p('Iterations per worker: ' + S.workers.map((w) => `u${w.w} ${w.iterations}`).join(', ') + '.');
p();
p('## Azurite downtime windows');
p();
p('Times after the load started. Stopped = `kill` called (SIGTERM; SIGKILL if it does not end); gone = its process ended;');
p('answering = `azurite_restart` returned (same port, blobs on disk).');
p();
p('| # | planned | stopped | gone | answering | down |');
p('|---|---|---|---|---|---|');
windows.forEach((w, i) => {
	p(`| ${i + 1} | ${w.at} s for ${w.len} s | ${fmtT(w.down)} | ${fmtT(w.gone)} | ${w.up === Infinity ? 'never' : fmtT(w.up)} | ${w.up === Infinity ? '-' : ((w.up - w.down) / 1000).toFixed(1) + ' s'} |`);
});
p();
p('## Errors');
p();
p(`${errs.length} errors in all: ${inOutages} during the outages, ${outside.length} outside them. Each row is a phase of the`);
p('iteration and the SQLSTATE (SQL), Node error code or HTTP status (PUT, GET). Errors are retried as an app would (PUT and');
p('save_metadata: every 500 ms, on top of the extension\'s own retries), so one failed iteration step can count several.');
p();
p(`| phase | error | total | ${windows.map((w, i) => `outage ${i + 1}`).join(' | ')} | outside |`);
p(`|---|---|---|${windows.map(() => '---|').join('')}---|`);
for (const [k, r] of [...byKey.entries()].sort()) {
	const [phase, code] = k.split('\t');
	p(`| ${phase} | ${code} | ${r.total} | ${r.perWindow.join(' | ')} | ${r.outside} |`);
}
if (byKey.size === 0) p(`| - | - | 0 | ${windows.map(() => '0').join(' | ')} | 0 |`);
p();
const msgs = new Map();
for (const e of errs) { const k = `${e.phase} ${e.code}`; if (!msgs.has(k)) msgs.set(k, e.msg); }
if (msgs.size) {
	p('First message of each kind:');
	p();
	for (const [k, m] of msgs) p(`- ${k}: \`${m.replace(/`/g, "'").replace(/\s+/g, ' ')}\``);
	p();
}
if (outside.length) {
	p('Errors outside the outages (first 20):');
	p();
	for (const e of outside.slice(0, 20)) p(`- t=${fmtT(e.t)} u${e.w} ${e.phase} ${e.code}: \`${e.msg.replace(/\s+/g, ' ')}\``);
	p();
}
p('## Rows, blobs, deletions');
p();
p('The ledger (`soak.ledger`) is written by the driver after each outcome it saw, in a transaction of its own.');
p();
p('| | count |');
p('|---|---|');
p(`| ledger entries (upload URLs issued) | ${n(final.LEDGER_TOTAL)} |`);
p(`| ledger: saved (row committed, not deleted) | ${n(final.LEDGER_SAVED)} |`);
p(`| ledger: deleted (DELETE committed) | ${n(final.LEDGER_DELETED)} |`);
p(`| ledger: abandoned | ${n(final.LEDGER_ABANDONED)} |`);
p(`| ledger: save_unknown / delete_unknown / issued (never finished) | ${n(final.LEDGER_SAVE_UNKNOWN)} / ${n(final.LEDGER_DELETE_UNKNOWN)} / ${n(final.LEDGER_ISSUED)} |`);
p(`| rows in azure_files after the load | ${n(final.ROWS)} |`);
p(`| lost rows (ledger saved, no row) | ${n(final.LOST_ROWS)} |`);
p(`| rows the ledger does not explain | ${n(final.UNEXPLAINED_ROWS)} |`);
p(`| deletion queue after the load (of which retried after an outage; most attempts) | ${n(final.PENDING_BEFORE)} (${n(final.PENDING_RETRIED)}; ${n(final.QUEUE_MAX_ATTEMPTS)}) |`);
p(`| waited for the queue's backoff before the final call | ${n(final.PENDING_WAIT_S)} s |`);
p(`| final azure_process_deletions(): done / left in the queue | ${n(final.FINAL_PROCESSED)} / ${n(final.PENDING_AFTER)} |`);
p(`| azure_reconcile(min_age => 0): blob_without_row (unexplained by the ledger) | ${n(final.RECONCILE_BLOB_WITHOUT_ROW)} (${n(final.RECONCILE_BWR_UNEXPLAINED)}) |`);
p(`| ledger uploads abandoned after a PUT that may have landed (the explanation) | ${n(final.ABANDONED_MAYBE_UPLOADED)} |`);
p(`| azure_reconcile(min_age => 0): row_without_blob | ${n(final.RECONCILE_ROW_WITHOUT_BLOB)} |`);
p(`| orphan blobs removed with delete_orphans => true | ${n(final.ORPHANS_DELETED)} |`);
p(`| blobs in the container / rows in azure_files, at the end | ${n(final.BLOBS_FINAL)} / ${n(final.ROWS_FINAL)} |`);
p(`| server log lines during the run / crash lines | ${n(final.SERVER_LOG_LINES)} / ${n(final.SERVER_LOG_CRASH_LINES)} |`);
p();
p('### The deletion queue during the load');
p();
p('`azure_pending_deletions` sampled every second by a separate connection: rows are deleted (and their blobs queued)');
p('while Azurite is down; `azure_process_deletions` leaves what fails queued with a backoff (10 s, 20 s, ...) and');
p('deletes it once Azurite answers again. Largest values per 5-second step:');
p();
p('| t (s) | Azurite | queued (max) | of which failed at least once (max) | most attempts |');
p('|---|---|---|---|---|');
{
	const q = (S.queue || []).filter((x) => !x.error);
	const steps = new Map();
	for (const x of q) {
		const k = Math.floor((x.t - S.t0) / 5000) * 5;
		const cur = steps.get(k) || { pending: 0, retried: 0, max_attempts: 0, down: false };
		cur.pending = Math.max(cur.pending, x.pending);
		cur.retried = Math.max(cur.retried, x.retried);
		cur.max_attempts = Math.max(cur.max_attempts, x.max_attempts);
		if (windows.some((w) => x.t >= w.gone && x.t < w.up)) cur.down = true;
		steps.set(k, cur);
	}
	for (const [k, v] of [...steps.entries()].sort((a, b) => a[0] - b[0])) {
		p(`| ${k} | ${v.down ? 'down' : 'up'} | ${v.pending} | ${v.retried} | ${v.max_attempts} |`);
	}
	const errorsQ = (S.queue || []).filter((x) => x.error).length;
	if (errorsQ) { p(); p(`${errorsQ} samples failed.`); }
}
p();
p('## Latency of successful steps (ms, as the driver saw them, outages included)');
p();
p('| step | n | p50 | p95 | p99 | max |');
p('|---|---|---|---|---|---|');
for (const [ph, l] of Object.entries(S.latency_ms)) p(`| ${ph} | ${l.n} | ${l.p50} | ${l.p95} | ${l.p99} | ${l.max} |`);
p();
p('### Over time');
p();
p('Iterations started and median latency (ms) of the successful steps, per 10 s of the load:');
p();
{
	const phases = ['upload_sas', 'put', 'save_metadata', 'read_sas', 'get', 'delete_row', 'process_deletions'];
	p(`| t (s) | Azurite | iterations | ${phases.join(' | ')} |`);
	p(`|---|---|---|${phases.map(() => '---|').join('')}`);
	for (const b of S.timeline || []) {
		const from = S.t0 + b.t * 1000;
		const down = windows.some((w) => w.gone < from + 10000 && w.up > from);
		p(`| ${b.t} | ${down ? 'down part of it' : 'up'} | ${b.iterations} | ${phases.map((ph) => n(b.p50[ph])).join(' | ')} |`);
	}
	// First and last whole 10 s of the load with Azurite up all along.
	const full = (S.timeline || []).filter((b) => {
		const from = S.t0 + b.t * 1000;
		return (b.t + 10) * 1000 <= S.load_ms && !windows.some((w) => w.down < from + 10000 && w.up + GRACE > from);
	});
	if (full.length >= 2) {
		const a = full[0];
		const z = full[full.length - 1];
		const d = (ph) => `${ph} ${n(a.p50[ph])} -> ${n(z.p50[ph])}`;
		p();
		p(`From the first whole 10 s with Azurite up (t=${a.t} s, ${a.iterations} iterations) to the last (t=${z.t} s, ${z.iterations}),`);
		p(`the median of the steps that are SQL only went ${['upload_sas', 'read_sas', 'delete_row'].map(d).join(', ')} ms;`);
		p(`of the steps that wait for Azurite, ${['put', 'get', 'save_metadata', 'process_deletions'].map(d).join(', ')} ms`);
		p('(PUT and GET do not touch PostgreSQL; save_metadata makes a HEAD, process_deletions a DELETE). Where the second');
		p('group slows down and the first does not, the time is spent in the emulator, not in the extension: Azurite keeps');
		p('the blob metadata in a LokiJS database that grows with the container and that it saves whole every 5 s');
		p('(`LokiBlobMetadataStore`, `autosaveInterval: 5000`); after each restart it is fast again for a while.');
	}
}
p();
p('## Backend memory');
p();
p(`From \`/proc/<pid>/status\` of the driver's ${rssRows.length} backends (${S.clients} app, ${S.clients} ops), the same processes`);
p(`from start to end. "connected": after connecting, before any azure_blob call; "warm": ${S.warm_seconds} s into the load`);
p('(library loaded, libcurl handle and caches made); "end": after the last iteration, before disconnecting. The check is on');
p('RssAnon (private memory: palloc, malloc, libcurl, OpenSSL): VmRSS also counts the shared buffers a backend has touched');
p('(RssShmem), which grows with the table it reads, not with a leak.');
p();
p('| sample | t | VmRSS median / max (kB) | RssAnon median / max (kB) | RssShmem median / max (kB) |');
p('|---|---|---|---|---|');
for (const s of S.rss) {
	const b = Object.values(s.backends).filter((x) => !x.error);
	const col = (k) => `${median(b.map((x) => x[k]))} / ${Math.max(...b.map((x) => x[k]))}`;
	p(`| ${s.label} | ${(s.t / 1000).toFixed(0)} s | ${col('VmRSS')} | ${col('RssAnon')} | ${col('RssShmem')} |`);
}
p();
p(`Largest growth warm to end: RssAnon ${worstAnon ? `${worstAnon.anonGrowth} kB (pid ${worstAnon.pid}, ${worstAnon.kind} u${worstAnon.w})` : '?'}, `
	+ `VmRSS ${worstVm ? `${worstVm.vmGrowth} kB (pid ${worstVm.pid}, ${worstVm.kind} u${worstVm.w})` : '?'}; limit ${RSS_MAX} kB of RssAnon.`);
p();
p('| backend | VmRSS connected / warm / end | RssAnon connected / warm / end | growth warm->end: RssAnon / VmRSS |');
p('|---|---|---|---|');
for (const r of rssRows.sort((a, b) => (a.kind === b.kind ? a.w - b.w : a.kind < b.kind ? -1 : 1))) {
	p(`| ${r.kind} u${r.w} (${r.pid}) | ${r.vmConnected} / ${r.vmWarm} / ${r.vmEnd} | ${r.anonConnected} / ${r.anonWarm} / ${r.anonEnd} | ${r.anonGrowth} / ${r.vmGrowth} |`);
}
p();
p('## Anomalies');
p();
if (S.anomalies.length === 0) p('None.');
for (const a of S.anomalies.slice(0, 50)) p(`- t=${fmtT(a.t)} u${a.w}: ${a.what}`);
p();
p('## Method');
p();
p('- **Driver, not pgbench.** A pgbench client aborts at its first error, and the outages make errors on purpose; pgbench');
p('  would also have to PUT through SQL (`azure_blob_put`, Shared Key) instead of the upload URL, which is the part of the');
p('  flow the browser does. `test/soak/driver.js` is an app backend: one Node process, `pg` 8.23.1 (pinned by');
p('  `test/soak/package-lock.json`), `node:http` for the PUT and GET to the SAS URLs, one keep-alive socket per worker.');
p('  The load is bounded (SOAK_CLIENTS workers, each one iteration at a time, for SOAK_SECONDS) and its choices are');
p('  reproducible (SOAK_SEED); the timing of the outages against the iterations is not.');
p('- **Per iteration**, as user `u<worker>` (`SET LOCAL azure_blob.user_id` in each transaction): `azure_generate_upload_sas`;');
p('  PUT the bytes (up to 6 tries 500 ms apart, as a browser retries before the user gives up); `azure_save_metadata` (up');
p('  to 8 tries 500 ms apart on 08006, 38000, 57014); a file whose PUT or save gave up is abandoned. Then, for one of the');
p('  user\'s earlier files: `azure_generate_read_sas`, and a GET of it with a sha256 comparison in 25 %; in 30 %, `DELETE`');
p('  of the row as the user (plain SQL, so it goes on during an outage and fills the outbox) and');
p('  `azure_process_deletions(20)` on the ops connection (admin), concurrently from every worker (`SKIP LOCKED`).');
p('- **Outages**: `kill` / `restart` of `AzureBlob::Test::Azurite` (`test/perl/AzureBlob/Test.pm`), on disk, on the same port.');
p('- **Audit** (after the load): ledger against `azure_files` (lost rows, unexplained rows, sizes, users, ids); wait');
p('  until every queued deletion is due, one `azure_process_deletions()`, the queue must be empty; `azure_reconcile(min_age');
p('  => \'0 seconds\')`: every blob_without_row must be an upload the ledger abandoned after a PUT that may have landed,');
p('  and no row_without_blob; then `delete_orphans => true` and a last reconcile must report nothing, with as many blobs');
p('  as rows; the server log of the run must have no "terminated by signal", "server process", PANIC or TRAP.');
p();
process.stdout.write(L.join('\n'));
