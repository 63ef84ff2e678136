// The open project's model list, read once and kept current by the models-changed push, apart from
// React so its ordering rule is testable: a list call answers with the list as it was when the call
// was made, so an answer that arrives after a newer list (a pushed change, or a later call's answer)
// is dropped instead of putting an older list back on screen.
import type { ProjectModel } from '../../shared/api.js';

/** Where the list comes from: `api.models` in the app, a fake in tests. */
export interface ModelsSource {
  list(params: Record<string, never>): Promise<ProjectModel[]>;
  onChanged(listener: (list: ProjectModel[]) => void): () => void;
}

export interface ModelsUpdate {
  list: ProjectModel[];
  /** 'load': the answer to a list call (on start or refresh); 'change': a pushed change (add/remove/prefixes). */
  cause: 'load' | 'change';
  /** The first list this feed delivers (pages preselect a model on it). */
  first: boolean;
}

export interface ModelsFeedHandlers {
  update(u: ModelsUpdate): void;
  /** A list call failed; the list shown stays as it was. */
  error(err: unknown): void;
}

export interface ModelsFeed {
  /** Reads the list again (its answer is delivered unless a newer list came first). */
  refresh(): void;
  /** Unsubscribes; nothing is delivered afterwards. */
  stop(): void;
}

export function watchProjectModels(source: ModelsSource, on: ModelsFeedHandlers): ModelsFeed {
  let live = true;
  let delivered = false;
  // Each list call (when made) and each push (when it arrives) takes the next stamp; a list is
  // delivered only if its stamp is newer than that of the last list delivered.
  let clock = 0;
  let shownStamp = 0;
  const deliver = (stamp: number, list: ProjectModel[], cause: ModelsUpdate['cause']) => {
    if (!live || stamp <= shownStamp) return;
    shownStamp = stamp;
    const first = !delivered;
    delivered = true;
    on.update({ list, cause, first });
  };
  const stopPush = source.onChanged((list) => deliver(++clock, list, 'change'));
  const load = () => {
    const stamp = ++clock;
    source.list({}).then(
      (list) => deliver(stamp, list, 'load'),
      (err: unknown) => live && on.error(err),
    );
  };
  load();
  return {
    refresh: load,
    stop() {
      live = false;
      stopPush();
    },
  };
}
