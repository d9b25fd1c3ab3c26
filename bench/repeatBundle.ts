/**
 * `tsx bench/repeatBundle.ts <dir> <times>`: a bench bundle made from a real one (a `kind export
 * logs` folder, say) by repeating each file's content `times` times in place — the same files and
 * formats, `times` as many lines, times going back at each repetition (so the time order has to
 * be rebuilt). Writes `bench/out/<dir name>-x<times>.tar.gz` (git ignores bench/out: a bundle
 * fetched for local trials never lands in the repository) and prints its path.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { OUT } from './childProcess.ts';

const [dir, timesArg] = process.argv.slice(2);
const times = Number(timesArg);
if (!dir || !Number.isInteger(times) || times < 1) throw new Error('usage: repeatBundle.ts <dir> <times>');

const name = `${basename(dir)}-x${times}`;
const root = join(OUT, name);
rmSync(root, { recursive: true, force: true });
function* files(d: string): Generator<string> {
  for (const e of readdirSync(d)) {
    if (e === '.git') continue;
    const p = join(d, e);
    const st = statSync(p);
    if (st.isDirectory()) yield* files(p);
    else if (st.isFile()) yield p;
  }
}
let lines = 0;
for (const f of files(dir)) {
  const text = readFileSync(f);
  const to = join(root, name, relative(dir, f));
  mkdirSync(join(to, '..'), { recursive: true });
  const body =
    text.length > 0 && text[text.length - 1] !== 10 ? Buffer.concat([text, Buffer.from('\n')]) : text;
  writeFileSync(to, Buffer.concat(Array.from({ length: times }, () => body)));
  for (const b of body) if (b === 10) lines += times;
}
const out = join(OUT, `${name}.tar.gz`);
execFileSync('tar', ['-czf', out, '-C', root, name]);
rmSync(root, { recursive: true, force: true });
console.log(`${out}: ${lines} lines`);
