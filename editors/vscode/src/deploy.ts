// "smaqit: Deploy…": pick an environment, confirm its steps, run the deploy on
// the server with a cancellable progress notification, then report the result.
//
// The deploy's progress comes on a token the extension makes up and sends as the
// request's workDoneToken (docs/protocol.md, smaqit.deploy): only that token drives
// the notification, and Cancel sends window/workDoneProgress/cancel for it. Progress
// the server creates itself (indexing) stays with vscode-languageclient's status-bar
// progress.
import { randomUUID } from 'crypto';
import * as vscode from 'vscode';

import { errorMessage as message, projectRoot, Smaqit, WorkDoneProgressValue } from './context';
import { Commands, DeployArgs, DeployResult, Environment, shellQuote } from './protocol';

/**
 * Deploys after the user confirmed. `preselected` is the environment a code lens
 * names ("▶ Deploy to local"): the pick is skipped, never the confirmation.
 */
export async function runDeploy(smaqit: Smaqit, preselected?: string): Promise<DeployResult | undefined> {
  if (!vscode.workspace.isTrusted) {
    smaqit.log.warn('deploy refused: the workspace is not trusted');
    smaqit.record({ lastDeploy: { status: 'untrusted' } });
    const pick = await vscode.window.showWarningMessage(
      'smaqit: deploys run commands on this machine, so they are disabled in an untrusted workspace. Diagnostics still work.',
      'Manage Workspace Trust',
    );
    if (pick) await vscode.commands.executeCommand('workbench.trust.manage');
    return undefined;
  }
  if (smaqit.deploying) {
    void vscode.window.showWarningMessage(`smaqit: a deploy of "${smaqit.deploying.environment}" is already running.`);
    return undefined;
  }
  await smaqit.ensureStarted();
  if (!smaqit.running) return undefined;
  for (const needed of [Commands.listEnvironments, Commands.deploy]) {
    if (!smaqit.supports(needed)) {
      const v = smaqit.client?.initializeResult?.serverInfo?.version ?? 'unknown version';
      void vscode.window.showErrorMessage(
        `smaqit: this smaqit-ls (${v}) cannot deploy: it does not offer the ${needed} command. Update smaqit-ls.`,
      );
      return undefined;
    }
  }

  let environments: Environment[];
  try {
    environments = await smaqit.exec<Environment[]>(Commands.listEnvironments, []);
  } catch (e) {
    return failed(smaqit, `listing environments failed: ${message(e)}`);
  }
  if (!environments?.length) {
    void vscode.window.showErrorMessage(
      'smaqit: no deploy environment is defined. Add one to .smaqit/environments.toml.',
    );
    return undefined;
  }
  let env: Environment;
  if (preselected !== undefined) {
    const named = environments.find((e) => e.name === preselected);
    if (!named) {
      void vscode.window.showErrorMessage(
        `smaqit: there is no environment "${preselected}" in .smaqit/environments.toml (defined: ${environments.map((e) => e.name).join(', ')}).`,
      );
      return undefined;
    }
    env = named;
  } else {
    const picked = await vscode.window.showQuickPick(
      environments.map((e) => ({
        label: e.name,
        description: e.description ?? '',
        detail: `${e.steps.length} step${e.steps.length === 1 ? '' : 's'}: ${e.steps.map(shellQuote).join(' → ')}`,
        env: e,
      })),
      { title: 'smaqit: Deploy', placeHolder: 'Environment to deploy to', matchOnDescription: true },
    );
    if (!picked) return undefined;
    env = picked.env;
  }

  // What the deploy would take: the server says which specs the environment
  // realises and which of them are pending (an older server says neither).
  const specs = env.specs ?? [];
  const pendingSpecs = env.pending ?? [];
  if (env.specs !== undefined && specs.length === 0) {
    smaqit.record({ lastDeploy: { status: 'realises-nothing', environment: env.name } });
    void vscode.window.showWarningMessage(
      `smaqit: "${env.name}" realises no Infrastructure spec, so a deploy would do nothing. List their IDs in its ` +
        '`specs = [...]` in .smaqit/environments.toml, or name it as the Target Environment in their ## Constraints.',
    );
    return undefined;
  }
  const regen = env.specs !== undefined && pendingSpecs.length === 0;
  const list = (paths: string[]): string => paths.map((p) => `  ${p}`).join('\n');
  const what = regen
    ? `\n\nNothing is pending: its specs were all deployed. Deploying again redeploys:\n${list(specs)}`
    : pendingSpecs.length
      ? `\n\nSpecs it deploys:\n${list(pendingSpecs)}`
      : '';
  const root = projectRoot()?.uri.fsPath ?? '';
  const steps = env.steps.map((s, i) => `${i + 1}. ${shellQuote(s)}`).join('\n');
  const health = env.health?.length ? `\n\nThen health checks:\n${env.health.map((h) => `  ${h}`).join('\n')}` : '';
  const button = regen ? 'Deploy Again' : 'Deploy';
  const confirm = await vscode.window.showWarningMessage(
    regen ? `Deploy "${env.name}" again?` : `Deploy to "${env.name}"?`,
    {
      modal: true,
      detail: `smaqit-ls will run these commands in ${root}:\n\n${steps}${health}${what}`,
    },
    button,
  );
  if (confirm !== button) {
    smaqit.record({ lastDeploy: { status: 'not-confirmed', environment: env.name } });
    return undefined;
  }

  smaqit.log.info(`deploy ${env.name}: started`);
  smaqit.setDeploying({ environment: env.name });
  smaqit.record({ deploying: env.name });
  const token = `smaqit-vscode/deploy/${randomUUID()}`;
  const args: DeployArgs = regen ? { environment: env.name, regen } : { environment: env.name };
  /** What arrived on the token, for the end-to-end test. */
  const seen: Record<string, unknown>[] = [];
  let result: DeployResult;
  try {
    result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `smaqit: deploying ${env.name}`, cancellable: true },
      async (progress, cancel) => {
        let reported = 0;
        const update = (msg: string | undefined, pct: number | undefined): void => {
          let increment: number | undefined;
          if (typeof pct === 'number') {
            const p = Math.max(0, Math.min(100, pct));
            increment = Math.max(0, p - reported);
            reported = Math.max(reported, p);
            smaqit.setDeploying({ environment: env.name, percentage: reported });
          }
          if (msg) smaqit.log.info(`deploy ${env.name}: ${msg}${pct !== undefined ? ` (${pct}%)` : ''}`);
          progress.report({ message: msg, increment });
        };
        const onProgress = (v: WorkDoneProgressValue): void => {
          seen.push({ kind: v.kind, title: v.kind === 'begin' ? v.title : undefined, message: v.message, percentage: v.kind === 'end' ? undefined : v.percentage });
          smaqit.record({ deployProgress: { environment: env.name, token, values: seen } });
          switch (v.kind) {
            case 'begin':
              // A cancel asked before the server knew the token is asked again now.
              if (cancel.isCancellationRequested) smaqit.cancelWorkDone(token);
              // The notification already says what runs; the server's title would repeat it.
              update(v.message, v.percentage);
              break;
            case 'report':
              update(v.message, v.percentage);
              break;
            case 'end':
              update(v.message, 100);
              break;
          }
        };
        const sub = cancel.onCancellationRequested(() => {
          smaqit.log.info(`deploy ${env.name}: cancel requested`);
          progress.report({ message: 'cancelling…' });
          smaqit.cancelWorkDone(token);
        });
        try {
          // Not cancelled through the request itself: the server stops the steps on
          // window/workDoneProgress/cancel and still answers with status "cancelled".
          return await smaqit.exec<DeployResult>(Commands.deploy, [args], { token, onProgress });
        } finally {
          sub.dispose();
        }
      },
    );
  } catch (e) {
    result = { status: 'failed', endpoint: null, message: message(e), attempts: 0, report: null };
  } finally {
    smaqit.setDeploying(undefined);
  }
  for (const c of result.conflicts ?? []) smaqit.log.warn(`deploy ${env.name}: conflict: ${c}`);
  smaqit.log.info(`deploy ${env.name}: ${result.status}: ${result.message}${result.endpoint ? ` — ${result.endpoint}` : ''}`);
  smaqit.record({ deploying: null, lastDeploy: { environment: env.name, ...result } });
  void report(smaqit, env.name, result);
  return result;
}

async function report(smaqit: Smaqit, env: string, r: DeployResult): Promise<void> {
  const actions: string[] = [];
  if (r.report) actions.push('Open Report');
  if (r.endpoint && /^https?:\/\//.test(r.endpoint)) actions.push('Open Endpoint');
  actions.push('Show Output');
  const attempts = r.attempts > 1 ? ` after ${r.attempts} attempts` : '';
  let pick: string | undefined;
  switch (r.status) {
    case 'success':
      pick = await vscode.window.showInformationMessage(
        `smaqit: deployed "${env}"${attempts}.${r.endpoint ? ` Endpoint: ${r.endpoint}` : ''}`,
        ...actions,
      );
      break;
    case 'cancelled':
      pick = await vscode.window.showWarningMessage(`smaqit: the deploy of "${env}" was cancelled. ${r.message}`, ...actions);
      break;
    case 'skipped':
      pick = await vscode.window.showInformationMessage(`smaqit: nothing was deployed to "${env}": ${r.message}`, ...actions);
      break;
    case 'refused':
      pick = await vscode.window.showWarningMessage(`smaqit: the deploy of "${env}" was refused: ${r.message}`, ...actions);
      break;
    default:
      pick = await vscode.window.showErrorMessage(`smaqit: the deploy of "${env}" failed${attempts}: ${r.message}`, ...actions);
  }
  if (pick === 'Open Report' && r.report) await openReport(r.report);
  if (pick === 'Open Endpoint' && r.endpoint) await vscode.env.openExternal(vscode.Uri.parse(r.endpoint));
  if (pick === 'Show Output') smaqit.log.show();
}

export async function openReport(report: string): Promise<void> {
  const uri = /^[a-z][a-z0-9+.-]*:/i.test(report) ? vscode.Uri.parse(report) : vscode.Uri.file(report);
  if (uri.scheme === 'http' || uri.scheme === 'https') await vscode.env.openExternal(uri);
  else await vscode.commands.executeCommand('vscode.open', uri);
}

function failed(smaqit: Smaqit, msg: string): undefined {
  smaqit.log.error(msg);
  void vscode.window.showErrorMessage(`smaqit: ${msg}`, 'Show Output').then((p) => {
    if (p) smaqit.log.show();
  });
  return undefined;
}
