// `npm run bench -- import`: corpus import throughput (MB/s, passages/s) and peak RSS for
// ../shared/corpora/sotu.jsonl and a generated JSONL (GENQ_BENCH_IMPORT_MB, default 256 MB so the bench stays near 3 minutes here; set 1024 for the full 1 GB run),
// written to the OS temp folder and deleted after). Each import runs in its own child process
// so its peak RSS is its own (worker threads included). Peer: a plain readline + JSON.parse pass
// over the same file, the I/O + parse floor every JSONL import pays. MB per CPU-second (all
// threads) is printed too: on a shared, loaded machine it moves less than wall-clock MB/s.
import { spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const SOTU = fileURLToPath(new URL('../../shared/corpora/sotu.jsonl', import.meta.url));
const MB = 1024 * 1024;
const round = (x: number) => Math.round(x * 1000) / 1000;

interface ChildResult {
  seconds: number;
  cpuSeconds: number;
  workers: number;
  passages: number;
  documents: number;
  maxRssMB: number;
}

/** In the child: import one file into a fresh project and print the timing as JSON. */
async function child(file: string, projectDir: string): Promise<void> {
  const { openDatabase } = await import('../src-main/core/project/store.js');
  const { migrate } = await import('../src-main/core/project/migrations.js');
  const { importCorpus } = await import('../src-main/core/corpus/import.js');
  const { importParamsSchema } = await import('../shared/services/corpus.js');
  const { defaultWorkerCount } = await import('../src-main/core/corpus/prepare-pool.js');
  const db = openDatabase(join(projectDir, 'project.sqlite'));
  migrate(db, projectDir);
  const workers = defaultWorkerCount(statSync(file).size);
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const report = await importCorpus(db, importParamsSchema.parse({ paths: [file], maxFileMB: 1e6 }), {
    progress: (u) => {
      if (u.total && Math.random() < 0.002) process.stderr.write(`  ${((100 * u.done) / u.total).toFixed(0)}% ${u.message ?? ''}\n`);
    },
  });
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  db.close();
  if (report.totals.failed) throw new Error(JSON.stringify(report.files));
  const result: ChildResult = { seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, workers, passages: report.totals.passages, documents: report.totals.documents, maxRssMB: process.resourceUsage().maxRSS / 1024 };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

function importInChild(file: string): ChildResult {
  const projectDir = mkdtempSync(join(tmpdir(), 'genq-bench-import-'));
  try {
    const r = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', file, projectDir], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 16 * MB,
    });
    if (r.status !== 0) throw new Error(`import child failed (${r.status}): ${r.stdout}`);
    return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as ChildResult;
  } finally {
    rmSync(projectDir, { recursive: true, force: true });
  }
}

async function readlineFloor(file: string): Promise<number> {
  const t0 = performance.now();
  let n = 0;
  for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
    if (line) n += (JSON.parse(line) as { text: string }).text.length > 0 ? 1 : 0;
  }
  if (!n) throw new Error('no records');
  return (performance.now() - t0) / 1000;
}

/** Generated prose: sentences of words drawn from the SOTU vocabulary (seeded), no duplicates. */
export async function generateJsonl(path: string, bytes: number): Promise<void> {
  const vocab = [...new Set(readFileSync(SOTU, 'utf8').match(/[A-Za-z]{2,}/g) ?? [])];
  let seed = 12345;
  const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const out = createWriteStream(path);
  let written = 0;
  let id = 0;
  while (written < bytes) {
    const sentences: string[] = [];
    const target = 2000 + Math.floor(rand() * 8000); // 2–10 KB documents
    for (let len = 0; len < target; ) {
      const words = Array.from({ length: 8 + Math.floor(rand() * 18) }, () => vocab[Math.floor(rand() * vocab.length)]);
      const s = `${words.join(' ')}.`;
      sentences.push(s[0].toUpperCase() + s.slice(1));
      len += s.length + 1;
    }
    const line = `${JSON.stringify({ id: `g${id++}`, title: `Generated ${id}`, text: sentences.join(' ') })}\n`;
    written += Buffer.byteLength(line);
    if (!out.write(line)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
}

function report(name: string, file: string, r: ChildResult, floorSeconds: number): void {
  const mb = statSync(file).size / MB;
  const line = (metric: string, ours: number, peer: string, peerValue: number | null) =>
    console.log(JSON.stringify({ bench: 'import', metric, ours: round(ours), peer, peer_value: peerValue === null ? null : round(peerValue), ratio: peerValue ? round(ours / peerValue) : null }));
  line(`${name}_MB_per_s`, mb / r.seconds, 'plain readline + JSON.parse pass over the same file (I/O + parse floor)', mb / floorSeconds);
  line(`${name}_passages_per_s`, r.passages / r.seconds, `${r.passages} passages from ${r.documents} documents, ${round(mb)} MB, ${r.workers} preparation thread(s)`, null);
  line(`${name}_MB_per_cpu_s`, mb / r.cpuSeconds, `${round(r.cpuSeconds)} CPU-seconds, all threads (${round(r.seconds)} s wall)`, null);
  line(`${name}_peak_rss_MB`, r.maxRssMB, 'limit for a 1 GB import', 500);
}

export async function run(): Promise<void> {
  if (!existsSync(SOTU)) throw new Error(`${SOTU} is missing`);
  const sotu = importInChild(SOTU);
  const sotuFloor = await readlineFloor(SOTU);
  const genMB = Number(process.env.GENQ_BENCH_IMPORT_MB ?? 256);
  const dir = mkdtempSync(join(tmpdir(), 'genq-bench-jsonl-'));
  const generated = join(dir, 'generated.jsonl');
  try {
    const g0 = performance.now();
    await generateJsonl(generated, genMB * MB);
    process.stderr.write(`generated ${genMB} MB in ${round((performance.now() - g0) / 1000)} s\n`);
    const gen = importInChild(generated);
    const genFloor = await readlineFloor(generated);
    report('sotu', SOTU, sotu, sotuFloor);
    report(`generated_${genMB}MB`, generated, gen, genFloor);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--child') await child(process.argv[3], process.argv[4]);
