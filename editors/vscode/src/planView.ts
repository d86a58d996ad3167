// "smaqit: Show Deploy Plan": the plan as a read-only `smaqit-plan:` document,
// from the server's plan command, or from the CLI with an older server.
import { execFile } from 'child_process';
import * as vscode from 'vscode';

import { projectRoot, Smaqit } from './context';
import { Commands, Plan } from './protocol';

export const PLAN_SCHEME = 'smaqit-plan';

/** The contents of the `smaqit-plan:` documents. */
export class PlanDocuments implements vscode.TextDocumentContentProvider {
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

export async function showPlan(smaqit: Smaqit, plans: PlanDocuments): Promise<void> {
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

/** The CLI's output (stdout, then stderr), whatever its exit status. */
function runCli(command: string, args: string[], cwd: string): Promise<string> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve(stdout + (stderr ? `\n${stderr}` : '') + (err && !stdout ? `\n${err.message}` : ''));
    });
  });
}
