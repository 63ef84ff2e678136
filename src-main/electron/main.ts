// Electron entry (package.json "main" → dist/src-main/electron/main.js). Thin by design: it makes
// the window, wires the IPC bridge to the shared composition root and applies the security
// settings; everything else lives in src-main/core and is tested without Electron.
import { app, BrowserWindow, dialog, ipcMain, screen, session } from 'electron';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { IPC_CHANNELS } from '../../shared/bridge.js';
import { createServices, type Services } from '../core/services.js';
import { attachIpcBridge, type IpcBridge } from './ipc.js';
import { applySessionSecurity, isTrustedRendererUrl, lockDownWebContents, secureWebPreferences } from './security.js';
import { loadWindowState, trackWindowState, windowStateFile } from './window-state.js';

const appRoot = app.getAppPath();
const indexHtml = path.join(appRoot, 'dist', 'renderer', 'index.html');
const indexFileUrl = pathToFileURL(indexHtml).href;
const preloadPath = path.join(appRoot, 'dist', 'preload', 'preload.cjs');

let services: Services | null = null;
let bridge: IpcBridge | null = null;
let mainWindow: BrowserWindow | null = null;

/** `--project DIR` on the command line opens (or creates) that project at start. */
function projectArg(argv: string[]): string | undefined {
  const i = argv.indexOf('--project');
  if (i >= 0 && argv[i + 1]) return path.resolve(argv[i + 1]);
  const eq = argv.find((a) => a.startsWith('--project='));
  return eq ? path.resolve(eq.slice('--project='.length)) : undefined;
}

async function chooseDirectory(title?: string): Promise<string | null> {
  const options: Electron.OpenDialogOptions = { title: title ?? 'Choose a folder', properties: ['openDirectory', 'createDirectory'] };
  const result = mainWindow ? await dialog.showOpenDialog(mainWindow, options) : await dialog.showOpenDialog(options);
  return result.canceled || result.filePaths.length === 0 ? null : result.filePaths[0];
}

function createWindow(): BrowserWindow {
  const stateFile = windowStateFile(app.getPath('userData'));
  const displays = screen.getAllDisplays().map((d) => d.workArea);
  const state = loadWindowState(stateFile, { defaults: { width: 1280, height: 820 }, displays });
  const win = new BrowserWindow({
    ...state.bounds,
    minWidth: 640,
    minHeight: 480,
    show: false,
    title: 'GenQ Workbench',
    backgroundColor: '#1d2027',
    webPreferences: secureWebPreferences(preloadPath),
  });
  if (state.maximized) win.maximize();
  trackWindowState(win, stateFile);
  // A reload starts a fresh page that must say "ready" again before events flow.
  win.webContents.on('did-start-loading', () => bridge?.resetReady());
  win.once('ready-to-show', () => win.show());
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = null;
  });
  void win.loadFile(indexHtml);
  return win;
}

async function start(): Promise<void> {
  applySessionSecurity(session.defaultSession);
  services = await createServices({
    mode: 'electron',
    userDataDir: app.getPath('userData'),
    initialProject: projectArg(process.argv),
    chooseDirectory,
  });
  bridge = attachIpcBridge({
    ipc: ipcMain,
    dispatch: services.dispatch,
    events: services.events,
    isTrustedSender: (event) =>
      event.senderFrame !== null && !event.senderFrame.parent && isTrustedRendererUrl(event.senderFrame.url, indexFileUrl),
    send: (message) => {
      if (mainWindow && !mainWindow.isDestroyed()) mainWindow.webContents.send(IPC_CHANNELS.event, message);
    },
  });
  mainWindow = createWindow();
}

if (!app.requestSingleInstanceLock()) {
  // Another instance owns the project database; it gets focused instead.
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  app.on('web-contents-created', (_event, contents) => lockDownWebContents(contents, indexFileUrl));
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (services && BrowserWindow.getAllWindows().length === 0) mainWindow = createWindow();
  });
  let disposed = false;
  app.on('before-quit', (event) => {
    if (disposed || !services) return;
    // Stop workers and close SQLite cleanly before the process exits.
    event.preventDefault();
    disposed = true;
    bridge?.detach();
    services
      .dispose()
      .catch((err: unknown) => console.error('GenQ: error while shutting down services', err))
      .finally(() => app.quit());
  });
  app
    .whenReady()
    .then(start)
    .catch((err: unknown) => {
      dialog.showErrorBox('GenQ Workbench could not start', err instanceof Error ? `${err.name}: ${err.message}` : String(err));
      app.exit(1);
    });
}
