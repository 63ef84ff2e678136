// A failed command leaves the project unchanged (issue 13, item 7): a BERT folder is never
// registered as the generator, neither by `models add --role generator` nor by a failed
// `genq generate --project P --model <bert>`; a T5 is never an encoder.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, useCliProject } from './in-process.js';

const FIXTURES = path.resolve('test', 'fixtures');
const TINY_BERT = path.join(FIXTURES, 'tiny-bert');
const TINY_T5 = path.join(FIXTURES, 'tiny-t5');
const { project } = useCliProject('genq-model-role-');

const projectModels = async () => JSON.parse((await cli(['models', 'project', '--project', project])).out.join('\n')) as Array<{ role: string; path: string }>;

describe('model roles are checked against the architecture', () => {
  it('models add <bert> --role generator is refused and registers nothing', async () => {
    const r = await cli(['models', 'add', TINY_BERT, '--project', project, '--role', 'generator']);
    expect(r.code).toBe(1);
    expect(r.err.join('\n')).toMatch(/a bert model cannot be a generator/);
    expect(await projectModels()).toEqual([]);
  });

  it('models add <t5> --role encoder is refused', async () => {
    const r = await cli(['models', 'add', TINY_T5, '--project', project, '--role', 'encoder']);
    expect(r.code).toBe(1);
    expect(r.err.join('\n')).toMatch(/a t5 model generates queries/);
    expect(await projectModels()).toEqual([]);
  });

  it('generate --project P --model <bert> fails and leaves no generator behind', async () => {
    const r = await cli(['generate', '--project', project, '--model', TINY_BERT, '--num-queries', '1']);
    expect(r.code).toBe(1);
    expect(r.err.join('\n')).toMatch(/bert/);
    expect((await projectModels()).filter((m) => m.role === 'generator')).toEqual([]);
  });

  it('the right roles still register', async () => {
    expect((await cli(['models', 'add', TINY_T5, '--project', project, '--role', 'generator'])).code).toBe(0);
    expect((await cli(['models', 'add', TINY_BERT, '--project', project])).code).toBe(0);
    expect((await projectModels()).map((m) => m.role).sort()).toEqual(['encoder', 'generator']);
  });
});
