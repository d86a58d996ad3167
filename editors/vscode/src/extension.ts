// smaqit for VS Code: activation and deactivation. The parts:
//   client.ts          the language client's lifecycle (start/stop/restart, server binary lookup)
//   commands.ts        the smaqit-ls.* commands
//   deploy.ts          smaqit: Deploy…
//   planView.ts        smaqit: Show Deploy Plan (smaqit-plan: documents)
//   checkWorkspace.ts  smaqit: Check Workspace
//   statusBar.ts       the status bar item
//   testState.ts       the end-to-end tests' state file
//   context.ts         what the parts need from the client, so that they need not import client.ts
//   protocol.ts        the server's command contract (docs/protocol.md)
import * as vscode from 'vscode';

import { SmaqitClient } from './client';
import { registerCommands } from './commands';

let instance: SmaqitClient | undefined;

export async function activate(ctx: vscode.ExtensionContext): Promise<void> {
  const log = vscode.window.createOutputChannel('smaqit', { log: true });
  ctx.subscriptions.push(log);
  const smaqit = new SmaqitClient(ctx, log);
  instance = smaqit;
  ctx.subscriptions.push(smaqit);
  smaqit.record({
    activated: true,
    extensionVersion: ctx.extension.packageJSON.version,
    vscodeVersion: vscode.version,
    appName: vscode.env.appName,
    folder: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? null,
    trusted: vscode.workspace.isTrusted,
  });

  ctx.subscriptions.push(
    ...registerCommands(smaqit),
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

export async function deactivate(): Promise<void> {
  await instance?.stop();
  instance = undefined;
}
