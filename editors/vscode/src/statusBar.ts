// The status bar item: spec counts by status for the project, and the deploy in progress.
import * as vscode from 'vscode';
import type { Smaqit } from './context';
import { Commands, ProjectStatus, STATUS_ORDER } from './protocol';

const SHORT: Record<string, string> = {
  draft: 'draft',
  implemented: 'implemented',
  deployed: 'deployed',
  validated: 'validated',
  failed: 'failed',
  deprecated: 'deprecated',
};

export class StatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private timer: NodeJS.Timeout | undefined;
  private poll: NodeJS.Timeout | undefined;
  private last: ProjectStatus | undefined;

  constructor(private readonly smaqit: Smaqit) {
    this.item = vscode.window.createStatusBarItem('smaqit.statusItem', vscode.StatusBarAlignment.Left, 10);
    this.item.name = 'smaqit';
    this.item.text = '$(loading~spin) smaqit';
    this.item.tooltip = 'smaqit: starting the language server…';
    this.item.command = 'smaqit-ls.showPlan';
    this.item.show();
  }

  refreshSoon(delay = 400): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refresh(), delay);
  }

  /** Shows a deploy in progress now, and keeps polling the server while it runs. */
  deployChanged(): void {
    this.render();
    if (this.smaqit.deploying && !this.poll) {
      this.poll = setInterval(() => void this.refresh(), 2000);
    } else if (!this.smaqit.deploying && this.poll) {
      clearInterval(this.poll);
      this.poll = undefined;
      void this.refresh();
    }
  }

  async refresh(): Promise<void> {
    if (this.smaqit.supports(Commands.status)) {
      try {
        this.last = await this.smaqit.exec<ProjectStatus>(Commands.status, []);
      } catch (e) {
        this.smaqit.log.warn(`${Commands.status}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    this.render();
  }

  private render(): void {
    const s = this.smaqit;
    const tip = new vscode.MarkdownString(undefined, true);
    const counts = this.last?.counts;
    if (!s.running) return;
    this.item.command = 'smaqit-ls.showPlan';
    if (s.deploying) {
      const pct = s.deploying.percentage !== undefined ? ` ${Math.round(s.deploying.percentage)}%` : '';
      this.item.text = `$(sync~spin) smaqit: deploying ${s.deploying.environment}${pct}`;
      tip.appendMarkdown(`**smaqit** — deploying \`${s.deploying.environment}\`\n\n`);
      this.item.backgroundColor = undefined;
    } else if (counts) {
      const parts = STATUS_ORDER.filter((k) => (counts[k] ?? 0) > 0 && k !== 'deprecated').map(
        (k) => `${counts[k]} ${SHORT[k]}`,
      );
      const deploying = this.last?.deploying ? '$(sync~spin) ' : '';
      this.item.text = `${deploying}$(checklist) ${parts.length ? parts.join(' · ') : 'smaqit'}`;
      this.item.backgroundColor = (counts.failed ?? 0) > 0 ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
      tip.appendMarkdown('**smaqit** — specs by status\n\n| status | specs |\n|---|---:|\n');
      for (const k of STATUS_ORDER) tip.appendMarkdown(`| ${k} | ${counts[k] ?? 0} |\n`);
      if (this.last?.deploying) tip.appendMarkdown('\nA deploy is running.\n');
    } else {
      this.item.text = '$(checklist) smaqit';
      tip.appendMarkdown(`**smaqit** — the language server is running.\n\nSpec counts need a smaqit-ls that offers \`${Commands.status}\`.\n`);
    }
    tip.appendMarkdown('\n\nClick: show the deploy plan.');
    this.item.tooltip = tip;
    this.smaqit.record({ statusBar: this.item.text, statusCounts: counts ?? null });
  }

  serverMissing(): void {
    this.item.text = '$(error) smaqit: server not found';
    this.item.tooltip = 'smaqit-ls was not found: see the smaqit output channel.';
    this.item.command = 'smaqit-ls.showOutput';
    this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
  }

  serverFailed(message: string): void {
    this.item.text = '$(error) smaqit';
    this.item.tooltip = `smaqit-ls did not start: ${message}`;
    this.item.command = 'smaqit-ls.showOutput';
    this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.poll) clearInterval(this.poll);
    this.item.dispose();
  }
}
