// "smaqit: Check Workspace": re-index, wait for the diagnostics to settle,
// open the Problems panel and summarise the findings.
import * as vscode from 'vscode';

import type { Smaqit } from './context';
import { Commands } from './protocol';

export async function checkWorkspace(smaqit: Smaqit): Promise<void> {
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
