'use strict';
// Shared by the Node baselines: the bench configuration, argument parsing and
// the timing loop (warm-up and calibration, then RUNS timed runs of N calls).

const fs = require('node:fs');
const path = require('node:path');

const config = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'config.json'), 'utf8'));

function connectionString() {
	return `DefaultEndpointsProtocol=https;AccountName=${config.account};AccountKey=${config.account_key};` +
		`EndpointSuffix=${config.endpoint_suffix}`;
}

function containerUrl() {
	return `https://${config.account}.blob.${config.endpoint_suffix}/${config.container}`;
}

// --seconds S (length of one timed run), --runs R, --sample I (print the URL for i = I and exit).
function parseArgs(argv) {
	const args = { seconds: 2, runs: 5, sample: null };
	for (let i = 2; i < argv.length; i++) {
		const a = argv[i];
		const v = argv[i + 1];
		if (a === '--seconds') args.seconds = Number(v);
		else if (a === '--runs') args.runs = Number(v);
		else if (a === '--sample') args.sample = Number(v);
		else throw new Error(`unknown argument ${a}`);
		i++;
	}
	if (!(args.seconds > 0) || !(args.runs >= 1)) throw new Error('bad --seconds or --runs');
	return args;
}

let sink = 0;

// Calls fn(i) for i = 1..n and returns the elapsed seconds. The lengths of the
// results are summed so that no call can be optimised away.
function timeCalls(fn, n) {
	const t0 = process.hrtime.bigint();
	let total = 0;
	for (let i = 1; i <= n; i++) total += fn(i).length;
	const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
	sink += total;
	return seconds;
}

// Warm-up (JIT, caches) doubling N until a batch takes >= 0.5 s, then runs of
// about `seconds` each. Prints one JSON line.
function run(name, fn, extra) {
	const args = parseArgs(process.argv);
	if (args.sample !== null) {
		process.stdout.write(fn(args.sample) + '\n');
		return;
	}
	let n = 1000;
	let t = timeCalls(fn, n);
	while (t < 0.5) {
		n *= 2;
		t = timeCalls(fn, n);
	}
	const perRun = Math.max(1000, Math.round((n / t) * args.seconds));
	const runs = [];
	for (let r = 0; r < args.runs; r++) runs.push({ n: perRun, seconds: timeCalls(fn, perRun) });
	const sdk = require('@azure/storage-blob/package.json').version;
	process.stdout.write(JSON.stringify({ name, node: process.version, sdk, runs, sample: fn(1), sink: sink > 0, ...extra }) + '\n');
}

module.exports = { config, connectionString, containerUrl, run };
