// `genq export --format st-train --model REF` resolves REF through the shared model resolver
// (cli/model-ref.ts → core/models/model-ref.ts): a project model's name or id, a model folder
// (registered in the project on the fly), and an unknown name refused with what --model takes.
// The written genq-train.json and README name the model that REF resolved to, not the default
// (the newest encoder, tiny-mpnet here).
import { cpSync, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, useCliProject } from '../in-process.js';
import { insertPassages } from '../../core/generation/project-fixture.js';

const FIXTURES = path.resolve('test', 'fixtures');
const TINY_BERT = path.join(FIXTURES, 'tiny-bert');
const TINY_MPNET = path.join(FIXTURES, 'tiny-mpnet');
const { tmp, project } = useCliProject('genq-export-st-train-');

interface Exported {
  dir: string;
  model: { name: string; path: string };
  config: { model: { name: string; path: string } };
  readme: string;
}

async function exportWith(model: string, out: string): Promise<Exported & { err: string }> {
  const dir = path.join(tmp, out);
  const r = await cli(['export', '--project', project, '--format', 'st-train', '--out', dir, '--model', model]);
  expect(r.code, r.err.join('\n')).toBe(0);
  const result = JSON.parse(r.out.join('\n')) as { dir: string; model: { name: string; path: string } };
  expect(result.dir).toBe(dir);
  return {
    ...result,
    config: JSON.parse(readFileSync(path.join(dir, 'genq-train.json'), 'utf8')),
    readme: readFileSync(path.join(dir, 'README.md'), 'utf8'),
    err: r.err.join('\n'),
  };
}

const projectModels = async () => JSON.parse((await cli(['models', 'project', '--project', project])).out.join('\n')) as Array<{ id: number; name: string; role: string; path: string }>;

beforeAll(async () => {
  const db = new Database(path.join(project, 'project.sqlite'));
  try {
    const ids = insertPassages(db, 12);
    const addQuery = db.prepare("INSERT INTO queries (passage_id, text, origin, status) VALUES (?, ?, 'generated', 'pending')");
    ids.forEach((id, i) => addQuery.run(id, `what about passage ${i}`));
  } finally {
    db.close();
  }
  // Two encoders: the default would be the newest (tiny-mpnet), so a resolved --model shows.
  expect((await cli(['models', 'add', TINY_BERT, '--project', project, '--name', 'base-bert'])).code).toBe(0);
  expect((await cli(['models', 'add', TINY_MPNET, '--project', project])).code).toBe(0);
});

describe('genq export --format st-train --model', () => {
  it('a project model name: the export names that model', async () => {
    const e = await exportWith('base-bert', 'by-name');
    expect(e.model).toMatchObject({ name: 'base-bert', path: TINY_BERT });
    expect(e.config.model).toMatchObject({ name: 'base-bert', path: TINY_BERT });
    expect(e.readme).toContain(`base model: ${TINY_BERT}`);
    // By id as well; and without --model, the newest encoder.
    const id = (await projectModels()).find((m) => m.name === 'base-bert')!.id;
    expect((await exportWith(String(id), 'by-id')).config.model.path).toBe(TINY_BERT);
    const r = await cli(['export', '--project', project, '--format', 'st-train', '--out', path.join(tmp, 'default')]);
    expect(r.code, r.err.join('\n')).toBe(0);
    expect(JSON.parse(readFileSync(path.join(tmp, 'default', 'genq-train.json'), 'utf8')).model.path).toBe(TINY_MPNET);
  });

  it('a model folder: registered in the project (said on stderr) and named by the export', async () => {
    const folder = path.join(tmp, 'my-encoder');
    cpSync(TINY_BERT, folder, { recursive: true });
    const e = await exportWith(folder, 'by-folder');
    expect(e.err).toMatch(/registered .*my-encoder in the project as model \d+ "my-encoder" \(encoder\)/);
    expect(e.config.model).toMatchObject({ name: 'my-encoder', path: folder });
    expect(e.readme).toContain(`base model: ${folder}`);
    expect((await projectModels()).filter((m) => m.path === folder)).toMatchObject([{ name: 'my-encoder', role: 'encoder' }]);
    // The same folder again: the model registered the first time, not a second one.
    expect((await exportWith(folder, 'by-folder-again')).config.model.name).toBe('my-encoder');
    expect((await projectModels()).filter((m) => m.path === folder)).toHaveLength(1);
  });

  it('an unknown name: exit 1, an error saying what --model takes and which models the project has; nothing written', async () => {
    const out = path.join(tmp, 'unknown');
    const r = await cli(['export', '--project', project, '--format', 'st-train', '--out', out, '--model', 'no-such-encoder']);
    expect(r.code).toBe(1);
    const err = r.err.join('\n');
    expect(err).toContain('no model "no-such-encoder" in this project, and no model folder or cached Hub model by that name');
    expect(err).toMatch(/a model is named by a project model's id or name \(this project has \d+ "base-bert" \(encoder\), \d+ "tiny-mpnet" \(encoder\).*\), a model folder, or a Hub id in the cache \(OWNER\/NAME\[@REV\]\)/);
    expect(existsSync(out)).toBe(false);
  });
});
