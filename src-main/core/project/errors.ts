// Errors the project store throws. Each has a stable `name` so it survives the API as-is.

export class NotAProjectError extends Error {
  override name = 'NotAProjectError';
  constructor(readonly dir: string) {
    super(`${dir} is not a GenQ Workbench project (no project.sqlite found). Create a project there first.`);
  }
}

export class ProjectExistsError extends Error {
  override name = 'ProjectExistsError';
  constructor(readonly dir: string) {
    super(`${dir} already contains a GenQ Workbench project (project.sqlite). Open it instead.`);
  }
}

export class SchemaTooNewError extends Error {
  override name = 'SchemaTooNewError';
  constructor(
    readonly dir: string,
    readonly found: number,
    readonly supported: number,
  ) {
    super(
      `${dir} was written by a newer GenQ Workbench (schema ${found}); ` +
        `this version supports up to schema ${supported}. Update the app to open it.`,
    );
  }
}

export class NoProjectOpenError extends Error {
  override name = 'NoProjectOpenError';
  constructor() {
    super('No project is open. Create or open a project first.');
  }
}
