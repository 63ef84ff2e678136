// Errors the job runner and jobs service throw; `name` crosses the API unchanged.

export class UnknownJobKindError extends Error {
  override name = 'UnknownJobKindError';
  constructor(kind: string, known: string[]) {
    super(`Unknown job kind "${kind}". Known kinds: ${known.length ? known.join(', ') : '(none registered)'}.`);
  }
}

export class JobNotFoundError extends Error {
  override name = 'JobNotFoundError';
  constructor(id: number) {
    super(`Job ${id} does not exist in this project.`);
  }
}

export class JobNotResumableError extends Error {
  override name = 'JobNotResumableError';
  constructor(id: number, state: string) {
    super(`Job ${id} is ${state}; only interrupted, failed or cancelled jobs can be resumed.`);
  }
}

export class JobParamsError extends Error {
  override name = 'ValidationError';
}

/** The worker thread ended without reporting a result (crash, process.exit, out of memory). */
export class WorkerCrashError extends Error {
  override name = 'WorkerCrashError';
}
