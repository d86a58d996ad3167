// smaqit for VS Code: starts smaqit-ls and adds the commands, status bar and
// settings around it. See README.md for what each part does.
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import {
  DocumentSelector,
  ExecuteCommandRequest,
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  State,
} from 'vscode-languageclient/node';

import { runDeploy } from './deploy';
import { ProgressRouter } from './progress';
import { Commands, Plan, ProjectStatus } from './protocol';
import { resolveServer, Resolved, ServerNotFound } from './serverPath';
import { StatusBar } from './statusBar';

const LANGUAGES = [
  'markdown',
  'yaml',
  'terraform',
  'hcl',
  'dockerfile',
  'json',
  'jsonc',
  'dotenv',
  'shellscript',
  'ini',
  'properties',
  'toml',
];

/** Files the server scans whatever language VS Code gives them (no Terraform or dotenv extension installed, …). */
const PATTERNS = [
  '**/*.{tf,tfvars,hcl,nomad,pkr,tfstate}',
  '**/{.env,.envrc}',
  '**/.env.*',
  '**/{Dockerfile,Containerfile,Dockerfile.*,Containerfile.*,dockerfile}',
  '**/*.{yml,yaml,json,jsonc,json5,toml}',
];

export const DOCUMENT_SELECTOR: DocumentSelector = [
  ...LANGUAGES.map((language) => ({ scheme: 'file', language })),
  ...PATTERNS.map((pattern) => ({ scheme: 'file', pattern })),
];

export const DEFAULT_DOCS_URL = 'https://github.com/smaqit/smaqit-ls/blob/main/docs/diagnostics.md';

/** The server options: the `smaqit` section minus the extension's own keys. */
export function serverSettings(): { debounceMs: number; maxFileSize: number; docsUrl: string } {
  const c = vscode.workspace.getConfiguration('smaqit');
  return {
    debounceMs: c.get<number>('debounceMs', 120),
    maxFileSize: c.get<number>('maxFileSize', 2097152),
    docsUrl: c.get<string>('docsUrl', DEFAULT_DOCS_URL) || DEFAULT_DOCS_URL,
  };
}

export class Smaqit implements vscode.Disposable {
  client: LanguageClient | undefined;
  resolved: Resolved | undefined;
  readonly statusBar: StatusBar;
  private router: ProgressRouter | undefined;
  private starting: Promise<void> | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly testState: TestState;
  deploying: { environment: string; percentage?: number } | undefined;
  private starts = 0;

  constructor(
    readonly ctx: vscode.ExtensionContext,
    readonly log: vscode.LogOutputChannel,
  ) {
    this.testState = new TestState(process.env.SMAQIT_VSCODE_TEST_STATE);
    this.statusBar = new StatusBar(this);
    this.disposables.push(this.statusBar);
  }

  get running(): boolean {
    return this.client?.state === State.Running;
  }

  /** Commands the running server advertises in `executeCommandProvider`. */
  get serverCommands(): string[] {
    return this.client?.initializeResult?.capabilities.executeCommandProvider?.commands ?? [];
  }

  supports(command: string): boolean {
    return this.running && this.serverCommands.includes(command);
  }

  /** Runs a server command (never through VS Code's command registry). */
  async exec<T>(command: string, args: unknown[] = [], token?: vscode.CancellationToken): Promise<T> {
    await this.ensureStarted();
    const client = this.client;
    if (!client || !this.running) throw new Error('the smaqit language server is not running');
    return (await client.sendRequest(ExecuteCommandRequest.type, { command, arguments: args }, token)) as T;
  }

  routeDeployProgress(sink: import('./progress').ProgressSink): vscode.Disposable {
    return this.router?.captureDeploy(sink) ?? new vscode.Disposable(() => undefined);
  }

  record(patch: Record<string, unknown>): void {
    this.testState.merge(patch);
  }

  async ensureStarted(): Promise<void> {
    if (this.running) return;
    if (!this.starting) this.starting = this.start().finally(() => (this.starting = undefined));
    return this.starting;
  }

  async start(): Promise<void> {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    try {
      this.resolved = resolveServer({
        setting: vscode.workspace.getConfiguration('smaqit').get<string>('server.path'),
        env: process.env,
        extensionPath: this.ctx.extensionPath,
        workspaceDir: folder,
      });
    } catch (e) {
      this.resolved = undefined;
      if (e instanceof ServerNotFound) {
        this.log.error(e.message);
        e.tried.forEach((t) => this.log.error(`  tried ${t}`));
        this.statusBar.serverMissing();
        this.record({ serverError: e.message, tried: e.tried });
        void vscode.window.showErrorMessage(`smaqit: ${e.message}`, 'Open Settings', 'Show Output').then((pick) => {
          if (pick === 'Open Settings') void vscode.commands.executeCommand('workbench.action.openSettings', 'smaqit.server.path');
          if (pick === 'Show Output') this.log.show();
        });
        return;
      }
      throw e;
    }
    const { path: command, source } = this.resolved;
    this.log.info(`starting ${command} (from ${source})`);

    // No `transport`: TransportKind.stdio would append `--stdio`, which smaqit-ls does not take;
    // with no arguments it serves LSP on stdin/stdout.
    const serverOptions: ServerOptions = {
      command,
      args: [],
      options: { env: { ...process.env, RUST_BACKTRACE: '1' } },
    };
    const clientOptions: LanguageClientOptions = {
      documentSelector: DOCUMENT_SELECTOR,
      outputChannel: this.log,
      traceOutputChannel: this.log,
      initializationOptions: serverSettings(),
      // didChangeConfiguration carries {smaqit: {...}}; workspace/configuration is answered from the same section.
      synchronize: { configurationSection: 'smaqit' },
      diagnosticPullOptions: { onChange: true, onSave: true },
      markdown: { isTrusted: false, supportHtml: false },
      middleware: {
        // vscode-languageclient registers every advertised server command as a VS Code
        // command (smaqit.deploy, …): keep deploys out of untrusted workspaces on that path too.
        executeCommand: async (cmd, args, next) => {
          if (cmd === Commands.deploy && !vscode.workspace.isTrusted) {
            void vscode.window.showWarningMessage('smaqit: deploys are disabled in an untrusted workspace.');
            return undefined;
          }
          return next(cmd, args);
        },
      },
    };
    const client = new LanguageClient('smaqit', 'smaqit', serverOptions, clientOptions);
    this.client = client;
    this.router = new ProgressRouter(client);
    try {
      await client.start();
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      this.log.error(`the server did not start: ${msg}`);
      this.statusBar.serverFailed(msg);
      this.record({ serverError: msg });
      void vscode.window.showErrorMessage(`smaqit: ${command} did not start: ${msg}`, 'Show Output').then((p) => {
        if (p) this.log.show();
      });
      return;
    }
    this.router.install();
    // vscode-languageclient restarts a crashed server by itself and re-installs its own
    // progress handler then: take the deploy progress over again.
    const router = this.router;
    client.onDidChangeState((e) => {
      if (e.newState === State.Running && this.client === client) {
        router.install();
        this.log.info('the server was restarted after a crash');
        this.statusBar.refreshSoon();
      }
    });
    const info = client.initializeResult?.serverInfo;
    this.log.info(`${info?.name ?? 'server'} ${info?.version ?? ''} running; server commands: ${this.serverCommands.join(', ')}`);
    this.starts++;
    this.record({
      serverError: null,
      starts: this.starts,
      serverPath: command,
      serverSource: source,
      serverInfo: info,
      serverCommands: this.serverCommands,
      positionEncoding: client.initializeResult?.capabilities.positionEncoding,
      trusted: vscode.workspace.isTrusted,
    });
    void this.statusBar.refresh();
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.router?.dispose();
    this.router = undefined;
    if (client) {
      try {
        await client.stop(5000);
      } catch (e) {
        this.log.warn(`stopping the server: ${e instanceof Error ? e.message : String(e)}`);
      }
      await client.dispose().catch(() => undefined);
    }
  }

  async restart(): Promise<void> {
    if (this.deploying) {
      const go = await vscode.window.showWarningMessage(
        'smaqit: a deploy is running. Restarting the server stops it.',
        { modal: true },
        'Restart',
      );
      if (go !== 'Restart') return;
    }
    this.log.info('restarting the server');
    await this.stop();
    await this.ensureStarted();
  }

  dispose(): void {
    this.disposables.forEach((d) => d.dispose());
  }
}

/** Test hook: with SMAQIT_VSCODE_TEST_STATE=<dir>, the extension keeps <dir>/state.json up to date. */
class TestState {
  private state: Record<string, unknown> = {};
  constructor(private readonly dir: string | undefined) {}
  merge(patch: Record<string, unknown>): void {
    if (!this.dir) return;
    this.state = { ...this.state, ...patch, updated: new Date().toISOString() };
    try {
      fs.mkdirSync(this.dir, { recursive: true });
      const tmp = path.join(this.dir, `.state.${process.pid}.json`);
      fs.writeFileSync(tmp, JSON.stringify(this.state, null, 2));
      fs.renameSync(tmp, path.join(this.dir, 'state.json'));
    } catch {
      /* a test hook never breaks the extension */
    }
  }
}

const PLAN_SCHEME = 'smaqit-plan';

class PlanDocuments implements vscode.TextDocumentContentProvider {
  private readonly contents = new Map<string, string>();
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.emitter.event;
  set(uri: vscode.Uri, text: string): void {
    this.contents.set(uri.toString(), text);
    this.emitter.fire(uri);
  }
  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.toString()) ?? '';
  }
}

/** The workspace folder that holds `.smaqit/` (else the first one). */
export function projectRoot(): vscode.WorkspaceFolder | undefined {
  const folders = vscode.workspace.workspaceFolders ?? [];
  return folders.find((f) => fs.existsSync(path.join(f.uri.fsPath, '.smaqit'))) ?? folders[0];
}

async function showPlan(smaqit: Smaqit, plans: PlanDocuments): Promise<void> {
  await smaqit.ensureStarted();
  const root = projectRoot();
  let text = `smaqit deploy plan — ${root?.uri.fsPath ?? 'no workspace folder'}\n\n`;
  if (smaqit.supports(Commands.plan)) {
    const plan = await smaqit.exec<Plan>(Commands.plan, []);
    // `output` is what `smaqit plan` prints (the specs still to process), verbatim.
    text += plan.output || '(nothing to deploy)\n';
    text += `\nTo process (${plan.pending.length}):\n`;
    text += plan.pending.map((p) => `  [${p.status}] ${p.path} (${p.id})\n`).join('');
    smaqit.record({ lastPlan: { phase: plan.phase, pending: plan.pending.length } });
  } else {
    // Older servers: the same plan from the CLI.
    if (!smaqit.resolved || !root) {
      void vscode.window.showErrorMessage('smaqit: no server or no workspace folder to plan.');
      return;
    }
    text += await runCli(smaqit.resolved.path, ['plan', '--phase=deploy', '--verbose'], root.uri.fsPath);
  }
  const uri = vscode.Uri.from({ scheme: PLAN_SCHEME, path: '/Deploy Plan' });
  plans.set(uri, text);
  const doc = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(doc, { preview: true });
}

function runCli(command: string, args: string[], cwd: string): Promise<string> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { execFile } = require('child_process') as typeof import('child_process');
  return new Promise((resolve) => {
    execFile(command, args, { cwd, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve(stdout + (stderr ? `\n${stderr}` : '') + (err && !stdout ? `\n${err.message}` : ''));
    });
  });
}

async function checkWorkspace(smaqit: Smaqit): Promise<void> {
  await smaqit.ensureStarted();
  if (!smaqit.running) return;
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'smaqit: checking the workspace…' },
    async () => {
      if (smaqit.supports(Commands.reindex)) await smaqit.exec(Commands.reindex, []);
      await diagnosticsSettled(1500, 10000);
    },
  );
  const counts = [0, 0, 0, 0]; // error, warning, information, hint
  let files = 0;
  for (const [, diags] of vscode.languages.getDiagnostics()) {
    const ours = diags.filter((d) => d.source === 'smaqit');
    if (ours.length) files++;
    ours.forEach((d) => counts[d.severity]++);
  }
  const total = counts.reduce((a, b) => a + b, 0);
  smaqit.record({ lastCheck: { total, errors: counts[0], warnings: counts[1], infos: counts[2] + counts[3], files } });
  await vscode.commands.executeCommand('workbench.actions.view.problems');
  const summary =
    total === 0
      ? 'smaqit: no findings.'
      : `smaqit: ${total} findings in ${files} files (${counts[0]} errors, ${counts[1]} warnings, ${counts[2] + counts[3]} infos).`;
  void vscode.window.showInformationMessage(summary);
}

/** Resolves once diagnostics have not changed for `quietMs` (or after `maxMs`). */
function diagnosticsSettled(quietMs: number, maxMs: number): Promise<void> {
  return new Promise((resolve) => {
    let timer = setTimeout(finish, quietMs);
    const hard = setTimeout(finish, maxMs);
    const sub = vscode.languages.onDidChangeDiagnostics(() => {
      clearTimeout(timer);
      timer = setTimeout(finish, quietMs);
    });
    function finish(): void {
      clearTimeout(timer);
      clearTimeout(hard);
      sub.dispose();
      resolve();
    }
  });
}

let instance: Smaqit | undefined;

export async function activate(ctx: vscode.ExtensionContext): Promise<void> {
  const log = vscode.window.createOutputChannel('smaqit', { log: true });
  ctx.subscriptions.push(log);
  const smaqit = new Smaqit(ctx, log);
  instance = smaqit;
  ctx.subscriptions.push(smaqit);
  smaqit.record({
    activated: true,
    extensionVersion: ctx.extension.packageJSON.version,
    vscodeVersion: vscode.version,
    appName: vscode.env.appName,
    trusted: vscode.workspace.isTrusted,
  });

  const plans = new PlanDocuments();
  ctx.subscriptions.push(
    vscode.workspace.registerTextDocumentContentProvider(PLAN_SCHEME, plans),
    vscode.commands.registerCommand('smaqit-ls.deploy', () => runDeploy(smaqit)),
    vscode.commands.registerCommand('smaqit-ls.showPlan', () => showPlan(smaqit, plans).catch((e) => fail(smaqit, 'plan', e))),
    vscode.commands.registerCommand('smaqit-ls.checkWorkspace', () => checkWorkspace(smaqit).catch((e) => fail(smaqit, 'check', e))),
    vscode.commands.registerCommand('smaqit-ls.restart', () => smaqit.restart()),
    vscode.commands.registerCommand('smaqit-ls.showOutput', () => log.show()),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('smaqit.server.path')) void smaqit.restart();
    }),
    // The workspace's own smaqit.server.path counts from now on: start again with it.
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      smaqit.record({ trusted: true });
      void smaqit.restart();
    }),
    vscode.languages.onDidChangeDiagnostics(() => smaqit.statusBar.refreshSoon()),
    vscode.workspace.onDidSaveTextDocument((d) => {
      if (d.languageId === 'markdown') smaqit.statusBar.refreshSoon();
    }),
  );
  await smaqit.ensureStarted();
}

function fail(smaqit: Smaqit, what: string, e: unknown): void {
  const msg = e instanceof Error ? e.message : String(e);
  smaqit.log.error(`${what}: ${msg}`);
  void vscode.window.showErrorMessage(`smaqit: ${what} failed: ${msg}`, 'Show Output').then((p) => {
    if (p) smaqit.log.show();
  });
}

export async function deactivate(): Promise<void> {
  await instance?.stop();
  instance = undefined;
}

export type { ProjectStatus };
