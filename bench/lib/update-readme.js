'use strict';
// bench/lib/update-readme.js LATEST.md README.md
// Replaces the part of README.md between <!-- latest:begin --> and
// <!-- latest:end --> with LATEST.md: headings one level down (under the
// README's "## Latest results"), the chart path relative to bench/.
const fs = require('node:fs');
const [latestPath, readmePath] = process.argv.slice(2);
const latest = fs.readFileSync(latestPath, 'utf8')
	.replace(/^(#+) /gm, '##$1 ')
	.replace('![chart](chart.png)', '![chart](results/chart.png)')
	.trim();
const readme = fs.readFileSync(readmePath, 'utf8');
const begin = '<!-- latest:begin -->';
const end = '<!-- latest:end -->';
const i = readme.indexOf(begin);
const j = readme.indexOf(end);
if (i < 0 || j < i) {
	console.error(`update-readme: no ${begin} ... ${end} in ${readmePath}`);
	process.exit(1);
}
fs.writeFileSync(readmePath, `${readme.slice(0, i + begin.length)}\n${latest}\n${readme.slice(j)}`);
