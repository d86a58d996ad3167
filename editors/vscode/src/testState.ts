// Test hook: with SMAQIT_VSCODE_TEST_STATE=<dir>, the extension keeps
// <dir>/state.json up to date (test/e2e reads it). Without it, nothing happens.
import * as fs from 'fs';
import * as path from 'path';

export class TestState {
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
