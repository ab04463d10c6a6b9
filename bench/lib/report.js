'use strict';
// bench/lib/report.js RAW.jsonl OUTDIR
// Turns the raw measurements of bench/run.sh into the Markdown table, the
// target checks, OUTDIR/latest.md, OUTDIR/latest.json and OUTDIR/chart.png
// (gnuplot). Prints the Markdown on stdout. Exits 0 whether targets pass or
// not: the harness reports, it does not gate.

const fs = require('node:fs');
const path = require('node:path');
const cp = require('node:child_process');

const [rawPath, outDir] = process.argv.slice(2);
if (!rawPath || !outDir) {
	console.error('usage: report.js RAW.jsonl OUTDIR');
	process.exit(2);
}
const lines = fs.readFileSync(rawPath, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));

const ROWS = {
	a: { label: '(a) azure_blob_sas_url', short: '(a) sas_url', group: 'pg',
		what: "`count(azure_blob_sas_url('photo-'\\|\\|g\\|\\|'.png', 'r', se, st, rsct, rscd, rscc))` over generate_series, as bench_admin" },
	b: { label: '(b) azure_generate_upload_sas', short: '(b) upload_sas', group: 'pg',
		what: "`count(sas_url)` of `azure_generate_upload_sas('photo-'\\|\\|g\\|\\|'.png', 'image/png')` over generate_series, as bench_user (uuid + name MAC, URL, signature)" },
	c: { label: '(c) azure_generate_read_sas', short: '(c) read_sas', group: 'pg',
		what: '`count(azure_generate_read_sas(blob_name)) FROM azure_files`, as bench_user: all rows its own, RLS and the ownership check included' },
	c_floor: { label: '(c) floor: the same lookup by the executor', short: '(c) floor', group: 'pg',
		what: '`bench_read_floor()`: each row of azure_files looked up again by blob_name through the same hash index (a nested loop), as bench_user under the same RLS, reading account, container, content_type; no signing (bench/sql/setup.sql)' },
	d_sdk: { label: '(d) Node SDK signing loop', short: '(d) SDK loop', group: 'node',
		what: '`generateBlobSASQueryParameters(same options as (a)).toString()` + URL, @azure/storage-blob, one Node process' },
	d_handler: { label: '(d) Node guide handler core', short: '(d) handler', group: 'node',
		what: "the guide's `/generate-upload-sas` body minus HTTP: randomUUID, getBlockBlobClient().url, generateBlobSASQueryParameters, response object" },
	e_evp: { label: '(e) HMAC, EVP_MAC re-init', short: '(e) EVP_MAC', group: 'c',
		what: 'OpenSSL HMAC-SHA256, key state prepared once, `EVP_MAC_init(ctx, NULL, 0, NULL)` per message' },
	e_hmac: { label: '(e) HMAC, HMAC_CTX reuse', short: '(e) HMAC_CTX', group: 'c',
		what: 'OpenSSL HMAC-SHA256, key state prepared once, `HMAC_Init_ex(ctx, NULL, 0, NULL, NULL)` per message' },
	e_oneshot: { label: '(e) HMAC() one-shot', short: '(e) one-shot', group: 'c',
		what: 'OpenSSL `HMAC()` with the key schedule on every message (reference, not the ceiling)' },
};
const E_VARIANTS = { evp_mac_reinit: 'e_evp', hmac_ctx_reuse: 'e_hmac', oneshot: 'e_oneshot' };

const median = (xs) => {
	const s = [...xs].sort((x, y) => x - y);
	const m = s.length >> 1;
	return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

let meta = {};
const rates = Object.fromEntries(Object.keys(ROWS).map((k) => [k, []]));
const pgbench = [];
const rss = {};
for (const l of lines) {
	if (l.meta) meta = { ...l.meta, ...meta };
	else if (l.load_end) {
		meta.load_end = l.load_end;
		meta.so_sha256_end = l.so_sha256_end;
	}
	else if (l.row === 'f') pgbench.push(l);
	else if (l.row === 'g' || l.row === 'g_md5' || l.row === 'g_jit') rss[l.row] = l;
	else if (l.row === 'e') {
		for (const [v, runs] of Object.entries(l.result.variants)) for (const r of runs) rates[E_VARIANTS[v]].push(r.n / r.seconds);
		meta.e_msg_len = l.result.msg_len;
		meta.openssl_lib = l.result.openssl;
	} else if (l.result) {
		for (const r of l.result.runs) rates[l.row].push(r.n / r.seconds);
		meta[`${l.row}_sample`] = l.result.sample;
	} else if (rates[l.row]) {
		rates[l.row].push(l.n / l.seconds);
		meta[`${l.row}_n`] = l.n;
	}
}

const stat = {};
for (const [k, xs] of Object.entries(rates)) {
	if (!xs.length) continue;
	const m = median(xs);
	stat[k] = { ...ROWS[k], runs: xs, median: m, min: Math.min(...xs), max: Math.max(...xs), spread: (Math.max(...xs) - Math.min(...xs)) / m };
}
const ceilingKey = ['e_evp', 'e_hmac'].filter((k) => stat[k]).sort((x, y) => stat[y].median - stat[x].median)[0];
const ceiling = ceilingKey ? stat[ceilingKey].median : NaN;

// pgbench: median per (script, clients).
const pgb = {};
for (const p of pgbench) {
	const mode = p.mode || 'simple';
	const key = `${p.script}/${p.clients}/${mode}`;
	(pgb[key] ||= { script: p.script, clients: p.clients, mode, tps: [], p50: [], p99: [], failed: 0 });
	pgb[key].tps.push(p.tps);
	pgb[key].p50.push(p.p50_ms);
	pgb[key].p99.push(p.p99_ms);
	pgb[key].failed += p.failed;
}
for (const v of Object.values(pgb)) {
	v.tps_median = median(v.tps);
	v.p50_median = median(v.p50);
	v.p99_median = median(v.p99);
}
const tps = (script, clients, mode = 'simple') => pgb[`${script}/${clients}/${mode}`]?.tps_median ?? NaN;

// Targets.
const r = (k) => stat[k]?.median ?? NaN;
const growthKb = rss.g ? rss.g.rss_after_kb - rss.g.rss_before_kb : NaN;
const targets = [
	{ id: 'a_vs_sdk', text: '(a) ≥ 7 × (d) SDK loop', value: r('a') / r('d_sdk'), op: '>=', target: 7, fmt: 'x' },
	{ id: 'a_vs_ceiling', text: '(a) ≥ 35 % of (e) prepared HMAC', value: r('a') / ceiling, op: '>=', target: 0.35, fmt: '%' },
	{ id: 'b_vs_handler', text: '(b) ≥ 15 × (d) handler core', value: r('b') / r('d_handler'), op: '>=', target: 15, fmt: 'x' },
	{ id: 'c_vs_sdk', text: '(c) ≥ 4 × (d) SDK loop, ownership check included', value: r('c') / r('d_sdk'), op: '>=', target: 4, fmt: 'x' },
	{ id: 'f_upload_vs_floor', text: '(f) upload_sas tps ≥ 0.85 × its floor (bench_noop_upload) at 8 clients, simple protocol', value: tps('upload_sas', 8) / tps('noop_upload', 8), op: '>=', target: 0.85, fmt: 'x' },
	{ id: 'f_upload_vs_floor_prepared', text: '(f) upload_sas tps ≥ 0.85 × its floor at 8 clients, prepared statements', value: tps('upload_sas', 8, 'prepared') / tps('noop_upload', 8, 'prepared'), op: '>=', target: 0.85, fmt: 'x' },
	{ id: 'f_read_vs_floor', text: '(f) read_sas tps ≥ 0.8 × its floor (bench_noop_read, same row fetch under the same RLS) at 8 clients, simple protocol', value: tps('read_sas', 8) / tps('noop_read', 8), op: '>=', target: 0.8, fmt: 'x' },
	{ id: 'f_read_vs_floor_prepared', text: '(f) read_sas tps ≥ 0.8 × its floor at 8 clients, prepared statements', value: tps('read_sas', 8, 'prepared') / tps('noop_read', 8, 'prepared'), op: '>=', target: 0.8, fmt: 'x' },
	{ id: 'g_rss_growth', text: `(g) RSS growth over ${(meta.rss_n || 0).toLocaleString('en-US')} signatures < 8 MB`, value: growthKb / 1024, op: '<', target: 8, fmt: 'MB' },
];
for (const t of targets) t.pass = Number.isFinite(t.value) && (t.op === '>=' ? t.value >= t.target : t.value < t.target);
const info = [
	{ text: '(f) upload_sas tps / SELECT 1 tps at 8 clients (the target before issue 10)', value: tps('upload_sas', 8) / tps('select1', 8), fmt: 'x' },
	{ text: '(f) read_sas tps / SELECT 1 tps at 8 clients', value: tps('read_sas', 8) / tps('select1', 8), fmt: 'x' },
	{ text: '(f) read floor (bench_noop_read) tps / SELECT 1 tps at 8 clients, simple protocol', value: tps('noop_read', 8) / tps('select1', 8), fmt: 'x' },
	{ text: '(f) upload_sas tps / SELECT 1 tps at 1 client', value: tps('upload_sas', 1) / tps('select1', 1), fmt: 'x' },
	{ text: '(f) upload_sas tps / SELECT 1 tps at 8 clients, prepared statements (`-M prepared`: no parse or plan per statement)', value: tps('upload_sas', 8, 'prepared') / tps('select1', 8, 'prepared'), fmt: 'x' },
	{ text: '(f) floor: a C function of upload_sas\'s shape that returns at once (bench/floor/noop_srf.c), tps / SELECT 1 tps at 8 clients, simple protocol', value: tps('noop_upload', 8) / tps('select1', 8), fmt: 'x' },
	{ text: '(f) floor, prepared statements', value: tps('noop_upload', 8, 'prepared') / tps('select1', 8, 'prepared'), fmt: 'x' },
	{ text: '(f) upload_sas tps / floor tps at 8 clients (the signing itself), simple protocol', value: tps('upload_sas', 8) / tps('noop_upload', 8), fmt: 'x' },
	{ text: '(f) read_sas tps / SELECT 1 tps at 8 clients, prepared statements', value: tps('read_sas', 8, 'prepared') / tps('select1', 8, 'prepared'), fmt: 'x' },
	{ text: '(f) read_sas tps / SELECT 1 tps at 1 client', value: tps('read_sas', 1) / tps('select1', 1), fmt: 'x' },
	{ text: '(a) / (e) EVP_MAC re-init (OpenSSL 3\'s HMAC API; the extension computes HMAC from prepared SHA-256 states instead)', value: r('a') / r('e_evp'), fmt: '%' },
	{ text: '(a) / (e) one-shot HMAC()', value: r('a') / r('e_oneshot'), fmt: 'x' },
	{ text: '(b) / (a): upload URL cost vs raw read URL', value: r('b') / r('a'), fmt: 'x' },
	{ text: '(c) / (a): read URL with ownership check vs raw read URL', value: r('c') / r('a'), fmt: 'x' },
	{ text: '(c) / (c) floor: what the ownership check and the signature cost on top of the lookup itself', value: r('c') / r('c_floor'), fmt: 'x' },
	{ text: '(c) at best, the floor plus one (a) signature per row (1 / (1/floor + 1/(a))), vs (d) SDK loop: how far (c) could reach with no glue at all', value: 1 / (1 / r('c_floor') + 1 / r('a')) / r('d_sdk'), fmt: 'x' },
];

// Formatting.
const int = (x) => (Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : 'n/a');
const fix = (x, d) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');
const fmtVal = (v, f) => (f === '%' ? `${fix(v * 100, 1)} %` : f === 'MB' ? `${fix(v, 2)} MB` : `${fix(v, 2)} ×`);
const fmtTarget = (t) => `${t.op === '>=' ? '≥' : '<'} ${t.fmt === '%' ? `${t.target * 100} %` : t.fmt === 'MB' ? `${t.target} MB` : `${t.target} ×`}`;
const kshort = (x) => (x >= 1e6 ? `${(x / 1e6).toFixed(2)}M` : x >= 1e3 ? `${(x / 1e3).toFixed(x >= 1e5 ? 0 : 1)}k` : `${Math.round(x)}`);

const md = [];
md.push(`# azure_blob benchmark${meta.quick ? ' (QUICK MODE: smoke run, not for the record)' : ''}`);
md.push('');
md.push(`${meta.date} · ${meta.cpu}, ${meta.cores} cores · PostgreSQL ${meta.postgres} · Node ${meta.node}, @azure/storage-blob ${meta.sdk} · ${meta.openssl_lib || meta.openssl}`);
md.push('');
if (meta.so_sha256_end && meta.so_sha256_end !== meta.so_sha256) {
	md.push(`**WARNING: azure_blob.so was replaced while the bench ran (sha256 ${meta.so_sha256}… at start, ${meta.so_sha256_end}… at end): rows measured in different sessions may have run different builds.**`);
	md.push('');
}
md.push(`Load average (1, 5, 15 min) at start ${meta.load_start ?? 'n/a'}, at end ${meta.load_end ?? 'n/a'}: other work on the machine shows in the spread column.`);
md.push('');
md.push(`Extension: commit ${meta.commit}${meta.tree_changes ? ` + ${meta.tree_changes} uncommitted file(s) in src/` : ''}, ${meta.built_from_tree ? 'built from this tree' : 'as installed (--no-build)'} (azure_blob.so sha256 ${meta.so_sha256}…).`);
md.push('');
md.push(`## Signing throughput: one core per process, median of ${meta.runs} interleaved runs of ~${meta.seconds_per_run} s`);
md.push('');
md.push('| row | URLs/s (median) | min | max | spread | what is timed |');
md.push('|---|--:|--:|--:|--:|---|');
for (const k of Object.keys(ROWS)) {
	const s = stat[k];
	if (!s) continue;
	const star = k === ceilingKey ? ' (ceiling)' : '';
	md.push(`| ${s.label}${star} | **${int(s.median)}** | ${int(s.min)} | ${int(s.max)} | ${fix(s.spread * 100, 1)} % | ${s.what} |`);
}
md.push('');
md.push(`(a) and (d) SDK loop sign the same URL byte for byte: ${meta.identical_urls ? 'yes' : '**NO**'}. (e) signs ${meta.e_msg_len}-byte messages, the length of (a)'s string-to-sign for \`photo-500000.png\` (checked against its signature). (c) runs over ${int(meta.rows)} rows; (e) HMAC/s count as URLs/s.`);
md.push('');
md.push(`## pgbench: ${meta.pgbench_seconds} s per run, median of ${meta.pgbench_runs} interleaved runs, both cores, as bench_user over TCP`);
md.push('');
md.push('| query | protocol | clients | tps (median) | tps min–max | mean ms | p50 ms | p99 ms | tps / SELECT 1 |');
md.push('|---|---|--:|--:|--:|--:|--:|--:|--:|');
const SCRIPTS = { select1: 'SELECT 1', upload_sas: "SELECT * FROM azure_generate_upload_sas('photo.png', 'image/png')", noop_upload: "SELECT * FROM bench_noop_upload('photo.png', 'image/png')", noop_read: 'SELECT bench_noop_read(blob_name) FROM azure_files WHERE id = random', read_sas: 'SELECT azure_generate_read_sas(blob_name) FROM azure_files WHERE id = random' };
for (const mode of ['simple', 'prepared']) {
	for (const s of Object.keys(SCRIPTS)) {
		for (const c of [1, 8]) {
			const v = pgb[`${s}/${c}/${mode}`];
			if (!v) continue;
			/* pgbench reads its clock once per pass over a thread's clients: with several clients per thread a result that was already waiting logs 0 µs, so p50 there is no latency (mean = clients / tps is exact). */
			const p50 = c > 1 ? 'n/a' : fix(v.p50_median, 3);
			md.push(`| \`${SCRIPTS[s]}\` | ${mode} | ${c} | **${int(v.tps_median)}** | ${int(Math.min(...v.tps))}–${int(Math.max(...v.tps))} | ${fix((1000 * c) / v.tps_median, 3)} | ${p50} | ${fix(v.p99_median, 3)} | ${fix(v.tps_median / tps('select1', c, mode), 2)} |${v.failed ? ` ${v.failed} failed` : ''}`);
		}
	}
}
md.push('');
md.push('`bench_noop_upload` is the floor of (f): a C function with `azure_generate_upload_sas`\'s arguments, default and `RETURNS TABLE` columns that returns a constant row of the same size at once (bench/floor/noop_srf.c). What separates it from `SELECT 1` is Postgres\' own work for such a statement; what separates `upload_sas` from it is the signing. `bench_noop_read` is the read floor: the same row fetch as `read_sas` under the same row-level security, through a C function of `azure_generate_read_sas`\'s shape that returns a constant text of a read URL\'s size; what separates `read_sas` from it is the ownership check and the signature.');
md.push('');
md.push('Mean latency is clients / tps. p50 and p99 come from pgbench\'s per-transaction log; pgbench reads its clock once per pass over a thread\'s clients, so at 8 clients (4 per thread) a transaction whose result was already waiting is logged as 0 µs: p50 is left out there and p99 is a lower bound.');
md.push('');
md.push('## Backend memory (g): VmRSS / RssAnon of one backend, from /proc/self/status');
md.push('');
md.push('| query | at connect | before (after 1,000-call warm-up) | after | growth | RssAnon growth | rate |');
md.push('|---|--:|--:|--:|--:|--:|--:|');
for (const [k, label] of [
	['g', `azure_blob_sas_url × ${int(meta.rss_n)}`],
	['g_md5', `md5() × ${int(meta.rss_n)} (same query shape, baseline)`],
	['g_jit', `azure_blob_sas_url × ${int(meta.rss_n)}, jit = on (reference)`],
]) {
	const g = rss[k];
	if (!g) continue;
	md.push(`| ${label} | ${int(g.rss_start_kb)} kB | ${int(g.rss_before_kb)} kB | ${int(g.rss_after_kb)} kB | **${int(g.rss_after_kb - g.rss_before_kb)} kB** | ${int(g.anon_after_kb - g.anon_before_kb)} kB | ${int(g.n / g.seconds)}/s |`);
}
if (rss.g) md.push('', `The bench roles run with jit = off; the target is the first row. Growth from connect (includes loading azure_blob.so and the key cache): ${int(rss.g.rss_after_kb - rss.g.rss_start_kb)} kB.${jitNote()}`);
md.push('');
function jitNote() {
	if (!rss.g_jit || !rss.g) return '';
	const extra = (rss.g_jit.rss_after_kb - rss.g_jit.rss_before_kb) - (rss.g.rss_after_kb - rss.g.rss_before_kb);
	const anon = (rss.g_jit.anon_after_kb - rss.g_jit.anon_before_kb) - (rss.g.anon_after_kb - rss.g.anon_before_kb);
	if (extra < 4096) return ' With jit = on (Postgres\' default) JIT made no difference at this size.';
	return ` With jit = on (Postgres' default) the query is JIT-compiled and the backend loads libLLVM: ${int(extra)} kB more, of which ${int(anon)} kB anonymous; the rest is the library's file-backed pages, not the extension.`;
}
md.push('## Targets (ratios of medians from this one invocation)');
md.push('');
for (const t of targets) md.push(`- **${t.pass ? 'PASS' : 'FAIL'}** ${t.text}: ${fmtVal(t.value, t.fmt)} (target ${fmtTarget(t)})`);
md.push('');
md.push('For reference:');
md.push('');
for (const i of info) md.push(`- ${i.text}: ${fmtVal(i.value, i.fmt)}`);
md.push('');
md.push(`Targets met: ${targets.filter((t) => t.pass).length} of ${targets.length}.`);
md.push('');
md.push('![chart](chart.png)');
md.push('');
const markdown = md.join('\n');

fs.mkdirSync(outDir, { recursive: true });
fs.writeFileSync(path.join(outDir, 'latest.md'), markdown);
fs.writeFileSync(path.join(outDir, 'latest.json'), JSON.stringify({
	meta,
	rates: Object.fromEntries(Object.entries(stat).map(([k, s]) => [k, { label: s.label, unit: 'URLs/s', median: s.median, min: s.min, max: s.max, spread: s.spread, runs: s.runs }])),
	ceiling: { row: ceilingKey, median: ceiling },
	pgbench: Object.values(pgb),
	rss,
	targets: targets.map(({ id, text, value, op, target, pass }) => ({ id, text, value, op, target, pass })),
	info,
}, null, 2) + '\n');

// Chart: signing rates (log scale, min–max bars) and pgbench tps.
const work = fs.mkdtempSync(path.join(outDir, '.chart-'));
try {
	const color = { pg: '0x1f77b4', node: '0xff7f0e', c: '0x7f7f7f' };
	const rateRows = Object.keys(ROWS).filter((k) => stat[k]);
	fs.writeFileSync(path.join(work, 'rates.dat'), rateRows.map((k) => {
		const s = stat[k];
		return `"${s.short}" ${s.median} ${s.min} ${s.max} "${kshort(s.median)}" ${color[s.group]}`;
	}).join('\n') + '\n');
	const lo = Math.min(...rateRows.map((k) => stat[k].min));
	const hi = Math.max(...rateRows.map((k) => stat[k].max));
	const ymin = 10 ** Math.floor(Math.log10(lo / 2));
	const ymax = 10 ** Math.ceil(Math.log10(hi * 2));
	const pgName = { select1: 'SELECT 1', upload_sas: 'upload_sas', noop_upload: 'no-op', noop_read: 'no-op read', read_sas: 'read_sas' };
	const pgRows = ['simple', 'prepared'].flatMap((mode) => Object.keys(SCRIPTS).map((s) => ({ s, mode })))
		.filter(({ s, mode }) => pgb[`${s}/1/${mode}`] || pgb[`${s}/8/${mode}`]);
	fs.writeFileSync(path.join(work, 'pgbench.dat'), pgRows.map(({ s, mode }) => {
		const one = pgb[`${s}/1/${mode}`] || {};
		const eight = pgb[`${s}/8/${mode}`] || {};
		const name = mode === 'simple' ? pgName[s] : `${pgName[s]}\\n(prepared)`;
		return `"${name}" ${one.tps_median ?? 0} ${eight.tps_median ?? 0} "${kshort(one.tps_median ?? 0)}\\np99 ${fix(one.p99_median, 2)} ms" "${kshort(eight.tps_median ?? 0)}\\np99 ${fix(eight.p99_median, 2)} ms"`;
	}).join('\n') + '\n');
	const pgMax = Math.max(...pgRows.flatMap(({ s, mode }) => [pgb[`${s}/1/${mode}`]?.tps_median ?? 0, pgb[`${s}/8/${mode}`]?.tps_median ?? 0]));
	const title = `azure_blob benchmark ${meta.quick ? '(QUICK) ' : ''}· ${meta.date.slice(0, 10)} · commit ${meta.commit}${meta.tree_changes ? '+dirty' : ''} · ${meta.cores}-core ${meta.cpu}`;
	const gp = `
set terminal pngcairo noenhanced size 1800,700 font "DejaVu Sans,11"
set output '${path.join(outDir, 'chart.png')}'
set multiplot layout 1,2 columns title "${title}" font ",13"
set style fill solid 0.85 border lc rgb "black"
set grid ytics lc rgb "#dddddd"
set border 3
set tics nomirror
set key off

set title "Signing throughput, one core per process (median of ${meta.runs}; whiskers min-max)"
set logscale y
set yrange [${ymin}:${ymax}]
set format y "%.0s%c"
set ylabel "URLs/s (log scale)"
set xrange [-0.6:${rateRows.length - 0.4}]
set xtics rotate by -30 left
set boxwidth 0.7
set label 1 "azure_blob in Postgres" at graph 0.02, graph 0.97 textcolor rgb "#1f77b4" font ",10"
set label 2 "Node @azure/storage-blob ${meta.sdk}" at graph 0.02, graph 0.93 textcolor rgb "#ff7f0e" font ",10"
set label 3 "raw OpenSSL HMAC-SHA256, ${meta.e_msg_len}-byte message" at graph 0.02, graph 0.89 textcolor rgb "#7f7f7f" font ",10"
plot '${path.join(work, 'rates.dat')}' using 0:2:(0.7):6:xtic(1) with boxes lc rgb variable, \\
     '' using 0:3:(0):($4-$3) with vectors nohead lc rgb "black" lw 1.2, \\
     '' using 0:(column(4)*1.25):5 with labels font ",10"

unset label 1
unset label 2
unset label 3
set title "pgbench tps, both cores (median of ${meta.pgbench_runs} runs of ${meta.pgbench_seconds} s)"
unset logscale y
set format y "%.0f"
set yrange [0:${Math.ceil((pgMax * 1.3) / 1000) * 1000}]
set ylabel "transactions/s"
set xrange [-0.6:${pgRows.length - 0.4}]
set xtics norotate font ",9"
set bmargin 4
set boxwidth 0.35
set key top right
plot '${path.join(work, 'pgbench.dat')}' using ($0-0.18):2:(0.35):xtic(1) with boxes lc rgb "#9ecae1" title "1 client", \\
     '' using ($0+0.18):3:(0.35) with boxes lc rgb "#3182bd" title "8 clients", \\
     '' using ($0-0.18):($2):4 with labels offset 0,1.6 font ",9" notitle, \\
     '' using ($0+0.18):($3):5 with labels offset 0,1.6 font ",9" notitle
unset multiplot
`;
	fs.writeFileSync(path.join(work, 'chart.gp'), gp);
	const res = cp.spawnSync('gnuplot', [path.join(work, 'chart.gp')], { encoding: 'utf8' });
	if (res.status !== 0) console.error(`report: gnuplot failed: ${res.stderr || res.error}`);
} finally {
	fs.rmSync(work, { recursive: true, force: true });
}

process.stdout.write(markdown + '\n');
