// The extension's own commands (package.json `contributes.commands`), wired to
// the parts that implement them. Server commands are never registered here:
// vscode-languageclient does that from `executeCommandProvider`.
import * as vscode from 'vscode';

import type { SmaqitClient } from './client';
import { errorMessage, Smaqit } from './context';
import { checkWorkspace } from './checkWorkspace';
import { runDeploy } from './deploy';
import { PLAN_SCHEME, PlanDocuments, showPlan } from './planView';

export function registerCommands(smaqit: SmaqitClient): vscode.Disposable[] {
  const plans = new PlanDocuments();
  return [
    vscode.workspace.registerTextDocumentContentProvider(PLAN_SCHEME, plans),
    vscode.commands.registerCommand('smaqit-ls.deploy', () => runDeploy(smaqit)),
    vscode.commands.registerCommand('smaqit-ls.showPlan', () => showPlan(smaqit, plans).catch((e) => fail(smaqit, 'plan', e))),
    vscode.commands.registerCommand('smaqit-ls.checkWorkspace', () => checkWorkspace(smaqit).catch((e) => fail(smaqit, 'check', e))),
    vscode.commands.registerCommand('smaqit-ls.restart', () => smaqit.restart()),
    vscode.commands.registerCommand('smaqit-ls.showOutput', () => smaqit.log.show()),
  ];
}

function fail(smaqit: Smaqit, what: string, e: unknown): void {
  const msg = errorMessage(e);
  smaqit.log.error(`${what}: ${msg}`);
  void vscode.window.showErrorMessage(`smaqit: ${what} failed: ${msg}`, 'Show Output').then((p) => {
    if (p) smaqit.log.show();
  });
}
