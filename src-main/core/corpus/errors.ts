// Errors the corpus import raises. Every message names the file (and the line or row where
// one applies) so the UI and the CLI can show it as-is; `name` survives the API unchanged.

/** A problem with a whole file: the file is rolled back and reported (or the import aborts). */
export class ImportFileError extends Error {
  override name = 'ImportFileError';
  constructor(
    readonly file: string,
    message: string,
    readonly line?: number,
  ) {
    super(`${file}${line !== undefined ? `:${line}` : ''}: ${message}`);
  }
}

export class BinaryFileError extends ImportFileError {
  override name = 'BinaryFileError';
}
export class EmptyFileError extends ImportFileError {
  override name = 'EmptyFileError';
}
export class FileTooLargeError extends ImportFileError {
  override name = 'FileTooLargeError';
}
export class GzipBombError extends ImportFileError {
  override name = 'GzipBombError';
}
export class DecodeError extends ImportFileError {
  override name = 'DecodeError';
}
export class UnreadableFileError extends ImportFileError {
  override name = 'UnreadableFileError';
}
export class UnsupportedFormatError extends ImportFileError {
  override name = 'UnsupportedFormatError';
}
export class MissingFieldError extends ImportFileError {
  override name = 'MissingFieldError';
}
export class MalformedRecordError extends ImportFileError {
  override name = 'MalformedRecordError';
}

/** The user chose onError: 'abort' and a file failed; earlier files stay imported. */
export class ImportAbortedError extends Error {
  override name = 'ImportAbortedError';
  constructor(override readonly cause: ImportFileError) {
    super(`Import aborted: ${cause.message}`);
  }
}

export class ImportCancelledError extends Error {
  override name = 'AbortError';
  constructor() {
    super('Import cancelled; the file being imported was rolled back');
  }
}
