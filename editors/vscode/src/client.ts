// The language client's lifecycle: find the server binary (serverPath.ts),
// start, stop and restart smaqit-ls, and run its commands.
import * as vscode from 'vscode';
import {
  DocumentSelector,
  ExecuteCommandRequest,
  LanguageClient,
  LanguageClientOptions,
  ProgressToken,
  ServerOptions,
  State,
  WorkDoneProgress,
  WorkDoneProgressCancelNotification,
} from 'vscode-languageclient/node';

import { Deploying, errorMessage, Smaqit, WorkDone } from './context';
import { runDeploy } from './deploy';
import { Commands, DeployArgs } from './protocol';
import { resolveServer, Resolved, ServerNotFound } from './serverPath';
import { StatusBar } from './statusBar';
import { TestState } from './testState';

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
export function serverSettings(): {
  debounceMs: number;
  maxFileSize: number;
  docsUrl: string;
  severity: Record<string, string>;
} {
  const c = vscode.workspace.getConfiguration('smaqit');
  return {
    debounceMs: c.get<number>('debounceMs', 120),
    maxFileSize: c.get<number>('maxFileSize', 2097152),
    docsUrl: c.get<string>('docsUrl', DEFAULT_DOCS_URL) || DEFAULT_DOCS_URL,
    severity: c.get<Record<string, string>>('severity', {}),
  };
}

export class SmaqitClient implements Smaqit, vscode.Disposable {
  client: LanguageClient | undefined;
  resolved: Resolved | undefined;
  readonly statusBar: StatusBar;
  private deployingNow: Deploying | undefined;
  private starting: Promise<void> | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly testState: TestState;
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

  get deploying(): Deploying | undefined {
    return this.deployingNow;
  }

  setDeploying(d: Deploying | undefined): void {
    this.deployingNow = d;
    this.statusBar.deployChanged();
  }

  /** Commands the running server advertises in `executeCommandProvider`. */
  get serverCommands(): string[] {
    return this.client?.initializeResult?.capabilities.executeCommandProvider?.commands ?? [];
  }

  supports(command: string): boolean {
    return this.running && this.serverCommands.includes(command);
  }

  async exec<T>(command: string, args: unknown[] = [], workDone?: WorkDone): Promise<T> {
    await this.ensureStarted();
    const client = this.client;
    if (!client || !this.running) throw new Error('the smaqit language server is not running');
    if (!workDone) return (await client.sendRequest(ExecuteCommandRequest.type, { command, arguments: args })) as T;
    // Listening before the request goes out: the server may begin at once. Only this
    // token is followed; progress the server creates itself (indexing, …) is shown by
    // vscode-languageclient as usual.
    const sub = client.onProgress(WorkDoneProgress.type, workDone.token, (value) => workDone.onProgress(value));
    try {
      return (await client.sendRequest(ExecuteCommandRequest.type, {
        command,
        arguments: args,
        workDoneToken: workDone.token,
      })) as T;
    } finally {
      sub.dispose();
    }
  }

  cancelWorkDone(token: ProgressToken): void {
    this.client
      ?.sendNotification(WorkDoneProgressCancelNotification.type, { token })
      .catch((e) => this.log.warn(`cancelling ${token}: ${errorMessage(e)}`));
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
        // command and runs code lenses through it: a deploy that way ("▶ Deploy to local")
        // goes through the same trust check and confirmation as the palette's.
        executeCommand: async (cmd, args, next) => {
          if (cmd === Commands.deploy) {
            const env = (args?.[0] as Partial<DeployArgs> | undefined)?.environment;
            return runDeploy(this, typeof env === 'string' ? env : undefined);
          }
          return next(cmd, args);
        },
      },
    };
    const client = new LanguageClient('smaqit', 'smaqit', serverOptions, clientOptions);
    this.client = client;
    try {
      await client.start();
    } catch (e) {
      const msg = errorMessage(e);
      this.log.error(`the server did not start: ${msg}`);
      this.statusBar.serverFailed(msg);
      this.record({ serverError: msg });
      void vscode.window.showErrorMessage(`smaqit: ${command} did not start: ${msg}`, 'Show Output').then((p) => {
        if (p) this.log.show();
      });
      return;
    }
    // vscode-languageclient restarts a crashed server by itself.
    client.onDidChangeState((e) => {
      if (e.newState === State.Running && this.client === client) {
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
    if (client) {
      try {
        await client.stop(5000);
      } catch (e) {
        this.log.warn(`stopping the server: ${errorMessage(e)}`);
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
