import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BeirFormatError, beirSplits, readBeirFolder } from '../../../../src-main/core/eval/beir.js';

const root = mkdtempSync(join(tmpdir(), 'genq-beir-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const corpus = [
  { _id: 'd1', title: 'Cats', text: 'Cats sleep a lot.' },
  { _id: 'd2', text: 'Dogs bark.' },
  { _id: 3, title: 'Numeric id', text: 'Some datasets use numbers.' },
];
const queries = [
  { _id: 'q1', text: 'do cats sleep' },
  { _id: 'q2', text: 'barking' },
  { _id: 'q3', text: 'not judged in test' },
];
const jsonl = (records: unknown[]) => records.map((r) => JSON.stringify(r)).join('\n') + '\n';

let folderCount = 0;
function beirFolder(files: Record<string, string>, omit: string[] = []): string {
  const dir = join(root, `f${folderCount++}`);
  mkdirSync(join(dir, 'qrels'), { recursive: true });
  for (const [name, content] of Object.entries(files)) if (!omit.includes(name)) writeFileSync(join(dir, name), content);
  return dir;
}
const good = () => ({
  'corpus.jsonl': jsonl(corpus),
  'queries.jsonl': jsonl(queries),
  'qrels/test.tsv': 'query-id\tcorpus-id\tscore\nq1\td1\t2\nq1\t3\t0\nq2\td2\t1\n',
  'qrels/dev.tsv': 'query-id\tcorpus-id\tscore\nq3\td2\t1\n',
});

describe('readBeirFolder', () => {
  it('reads corpus, the judged queries and graded qrels of the split', async () => {
    const dir = beirFolder(good());
    const data = await readBeirFolder(dir);
    expect(data.corpus).toEqual([
      { id: 'd1', title: 'Cats', text: 'Cats sleep a lot.' },
      { id: 'd2', title: '', text: 'Dogs bark.' },
      { id: '3', title: 'Numeric id', text: 'Some datasets use numbers.' },
    ]);
    expect(data.queries.map((q) => q.id)).toEqual(['q1', 'q2']); // q3 is not judged in test
    expect({ ...data.qrels.q1 }).toEqual({ d1: 2, '3': 0 });
    expect({ ...data.qrels.q2 }).toEqual({ d2: 1 });
    expect(beirSplits(dir)).toEqual(['dev', 'test']);
    const dev = await readBeirFolder(dir, 'dev');
    expect(dev.queries.map((q) => q.id)).toEqual(['q3']);
  });

  it('tolerates CRLF line endings and blank lines', async () => {
    const files = good();
    files['corpus.jsonl'] = files['corpus.jsonl'].replace(/\n/g, '\r\n') + '\r\n';
    files['qrels/test.tsv'] = files['qrels/test.tsv'].replace(/\n/g, '\r\n');
    const data = await readBeirFolder(beirFolder(files));
    expect(data.corpus).toHaveLength(3);
    expect({ ...data.qrels.q2 }).toEqual({ d2: 1 });
  });

  it.each([
    ['a missing folder', () => join(root, 'nope'), /does not exist/],
    ['a missing corpus.jsonl', () => beirFolder({ ...good(), 'corpus.jsonl': '' }, ['corpus.jsonl']), /corpus\.jsonl not found/],
    ['a missing queries.jsonl', () => beirFolder({ ...good() }, ['queries.jsonl']), /queries\.jsonl not found/],
  ])('rejects %s', async (_label, makeDir, message) => {
    await expect(readBeirFolder(makeDir())).rejects.toThrow(message);
  });

  it('names the available splits when the requested qrels file is missing', async () => {
    const dir = beirFolder(good());
    await expect(readBeirFolder(dir, 'train')).rejects.toThrow(/qrels\/train\.tsv not found .*available splits: dev, test/);
  });

  it('reports bad JSON, missing ids and texts, and duplicate ids with file and line', async () => {
    const broken = (corpusText: string) => readBeirFolder(beirFolder({ ...good(), 'corpus.jsonl': corpusText }));
    await expect(broken(jsonl(corpus) + '{"_id": "d9", "text": \n')).rejects.toThrow(/corpus\.jsonl:4: not valid JSON/);
    await expect(broken(jsonl([{ text: 'no id' }]))).rejects.toThrow(/corpus\.jsonl:1: record has no "_id"/);
    await expect(broken(jsonl([{ _id: 'x', title: 't' }]))).rejects.toThrow(/corpus\.jsonl:1: record has no "text"/);
    await expect(broken(jsonl([{ _id: 'x', text: 5 }]))).rejects.toThrow(/"text" is not a string/);
    await expect(broken(jsonl([...corpus, corpus[0]]))).rejects.toThrow(/duplicate _id "d1"/);
    await expect(broken('\n')).rejects.toThrow(/corpus\.jsonl: no documents/);
    await expect(broken(jsonl(corpus))).resolves.toBeTruthy();
  });

  it('rejects qrels with unknown query or corpus ids, bad scores or too few columns', async () => {
    const withQrels = (tsv: string) => readBeirFolder(beirFolder({ ...good(), 'qrels/test.tsv': `query-id\tcorpus-id\tscore\n${tsv}` }));
    await expect(withQrels('q1\td1\t1\nq7\td1\t1\n')).rejects.toThrow(/1 qrels name query ids missing from queries\.jsonl: q7 \(line 3\)/);
    await expect(withQrels('q1\td404\t1\n')).rejects.toThrow(/corpus ids missing from corpus\.jsonl: d404 \(line 2\)/);
    await expect(withQrels('q1\td1\thigh\n')).rejects.toThrow(/test\.tsv:2: score "high" is not an integer/);
    await expect(withQrels('q1\td1\n')).rejects.toThrow(/test\.tsv:2: expected 3 tab-separated columns, found 2/);
    await expect(withQrels('')).rejects.toThrow(/no judgments/);
  });
});
