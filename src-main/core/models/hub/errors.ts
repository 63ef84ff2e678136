// Named errors of the Hub client and cache, with messages that tell the user what to do.

/** Base class: every Hub failure the user can act on. */
export class HubError extends Error {
  override name = 'HubError';
}

/** The repo (or revision) does not exist, or is private and no token was given. */
export class HubRepoNotFoundError extends HubError {
  override name = 'HubRepoNotFoundError';
}

/** 401/403 on a gated or private repo: a token is missing, wrong, or its owner has not accepted the license. */
export class HubAccessError extends HubError {
  override name = 'HubAccessError';
}

/** Offline mode is on (or the Hub cannot be reached) and the cache lacks what was asked for. */
export class HubOfflineError extends HubError {
  override name = 'HubOfflineError';
}

/** A downloaded file's size or hash differs from what the Hub's metadata announced. */
export class HubIntegrityError extends HubError {
  override name = 'HubIntegrityError';
}

/** The repo has no weights the runtime can read (safetensors), or lacks a required file. */
export class HubMissingFilesError extends HubError {
  override name = 'HubMissingFilesError';
}

/** Network failures that persisted through every retry, and unexpected Hub answers. */
export class HubDownloadError extends HubError {
  override name = 'HubDownloadError';
}

/** Another process holds the repo's cache lock (a download in progress). */
export class HubCacheBusyError extends HubError {
  override name = 'HubCacheBusyError';
}

/** The download was cancelled through its AbortSignal. */
export class HubAbortedError extends HubError {
  override name = 'AbortError';
}
