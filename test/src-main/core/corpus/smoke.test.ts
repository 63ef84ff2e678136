import { test } from 'vitest';
import { importCorpus } from '../../../../src-main/core/corpus/import.js';
import { fixturesDir, params, tempProjectDb } from './helpers.js';
test('smoke', async () => {
  const t = tempProjectDb();
  const r = await importCorpus(t.db, params({ paths: [fixturesDir] }));
  console.log(JSON.stringify(r.files.map((f) => [f.path.split('/').pop(), f.status, f.encoding, f.documents, f.passages, f.duplicates, f.message?.slice(0, 150)]), null, 0).replace(/\],\[/g, ']\n['));
  console.log(JSON.stringify({ ...r, files: undefined }, null, 1).slice(0, 3000));
  console.log(t.db.prepare('SELECT id, document_id, title, token_count, substr(text,1,80) t FROM passages LIMIT 400').all().filter((_, i) => i % 7 === 0));
  t.close();
});
