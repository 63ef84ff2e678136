// projectModelOfRole: the caller's error class and wording for a missing model or one of another role.
import { describe, expect, it } from 'vitest';
import { projectModelOfRole } from '../../../../src-main/core/models/project-model.js';
import { tempProjectDb } from '../../../helpers/project-db.js';

class StageError extends Error {
  override name = 'StageError';
}

describe('projectModelOfRole', () => {
  it('returns the row of the right role, and names the model and both roles otherwise', () => {
    const t = tempProjectDb();
    try {
      const id = Number(t.db.prepare("INSERT INTO models (name, role, path, source) VALUES ('t5', 'generator', '/m/t5', 'hub')").run().lastInsertRowid);
      expect(projectModelOfRole(t.db, id, 'generator', StageError)).toEqual({ id, name: 't5', role: 'generator', path: '/m/t5', source: 'hub', revision: null });
      expect(() => projectModelOfRole(t.db, id, 'encoder', StageError, '; a dense retriever needs an encoder')).toThrow(
        new StageError(`model ${id} (t5) is a generator, not an encoder; a dense retriever needs an encoder`),
      );
      expect(() => projectModelOfRole(t.db, id, 'cross-encoder', StageError)).toThrow(`model ${id} (t5) is a generator, not a cross-encoder`);
      expect(() => projectModelOfRole(t.db, id + 1, 'generator', StageError)).toThrow(StageError);
      expect(() => projectModelOfRole(t.db, id + 1, 'generator', StageError)).toThrow(`no model with id ${id + 1} in this project`);
    } finally {
      t.close();
    }
  });
});
