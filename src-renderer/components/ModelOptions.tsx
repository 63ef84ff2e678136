import type { ProjectModel } from '../../shared/api.js';

/** One <option> per project model (value: its id, text: its name), for the model pickers' <select>s;
 *  each picker keeps its own value type and placeholder option. */
export function ModelOptions({ models }: { models: readonly ProjectModel[] }) {
  return (
    <>
      {models.map((m) => (
        <option key={m.id} value={m.id}>
          {m.name}
        </option>
      ))}
    </>
  );
}
