// What the parts of the extension (commands, deploy, plan view, status bar)
// need from the running client, as an interface: they depend on this module,
// not on client.ts, so no two modules import each other.
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { LanguageClient, ProgressToken, WorkDoneProgressBegin, WorkDoneProgressEnd, WorkDoneProgressReport } from 'vscode-languageclient/node';

import type { Resolved } from './serverPath';

/** The deploy this window runs, for the status bar. */
export interface Deploying {
  environment: string;
  percentage?: number;
}

export type WorkDoneProgressValue = WorkDoneProgressBegin | WorkDoneProgressReport | WorkDoneProgressEnd;

/** A request's own work-done progress: the client picks the token and follows only it. */
export interface WorkDone {
  token: ProgressToken;
  /** Each `$/progress` value the server sends for `token`, until the request answers. */
  onProgress(value: WorkDoneProgressValue): void;
}

export interface Smaqit {
  readonly log: vscode.LogOutputChannel;
  /** The language client, while one exists (running or not). */
  readonly client: LanguageClient | undefined;
  /** The server binary of the last start, when one was found. */
  readonly resolved: Resolved | undefined;
  readonly running: boolean;
  /** The deploy started from this window, while it runs. */
  readonly deploying: Deploying | undefined;
  setDeploying(d: Deploying | undefined): void;
  /** Whether the running server advertises `command` in `executeCommandProvider`. */
  supports(command: string): boolean;
  /** Runs a server command (never through VS Code's command registry), starting the server if needed. */
  exec<T>(command: string, args?: unknown[], workDone?: WorkDone): Promise<T>;
  /** `window/workDoneProgress/cancel` for a token. */
  cancelWorkDone(token: ProgressToken): void;
  ensureStarted(): Promise<void>;
  /** Test hook: merged into the state file when SMAQIT_VSCODE_TEST_STATE is set. */
  record(patch: Record<string, unknown>): void;
}

/** The workspace folder that holds `.smaqit/` (else the first one). */
export function projectRoot(): vscode.WorkspaceFolder | undefined {
  const folders = vscode.workspace.workspaceFolders ?? [];
  return folders.find((f) => fs.existsSync(path.join(f.uri.fsPath, '.smaqit'))) ?? folders[0];
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
