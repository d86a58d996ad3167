// End-to-end test of the smaqit extension in code-server, through the UI.
// Started by ../run.sh, which installs the .vsix into an isolated code-server and
// passes: CS_URL, WORKSPACE (temp copy of fixtures/example), DEPLOY_WORKSPACE (temp
// copy of fixtures/clean, whose `local` environment deploys a real service on
// loopback), STATE_DIR (the extension's SMAQIT_VSCODE_TEST_STATE), CHROME_DIR,
// ARTIFACTS, CHROMIUM, SMAQIT_LS, DEPLOY_SECRETS (values that must never leak).
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

const env = (k) => {
  const v = process.env[k];
  if (!v) throw new Error(`${k} is not set: run this through test/run.sh`);
  return v;
};
const CS_URL = env('CS_URL');
const WS = env('WORKSPACE');
const DEPLOY_WS = env('DEPLOY_WORKSPACE');
const STATE_DIR = env('STATE_DIR');
const ARTIFACTS = env('ARTIFACTS');
const SMAQIT_LS = env('SMAQIT_LS');
/** Progress.deployPrefix of src/protocol.ts: the token a server makes up when the client gives none. */
const DEPLOY_PREFIX = 'smaqit/deploy/';

let context;
let page;
let shotNo = 0;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function waitFor(fn, what, ms = 30000) {
  const t0 = Date.now();
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    if (Date.now() - t0 > ms) {
      const about = typeof what === 'function' ? what() : what;
      throw new Error(`timed out after ${ms} ms waiting for ${about} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
    }
    await sleep(150);
  }
}
const state = () => {
  try {
    return JSON.parse(fs.readFileSync(path.join(STATE_DIR, 'state.json'), 'utf8'));
  } catch {
    return {};
  }
};
const ws = (rel) => path.join(WS, rel);
const disk = (rel) => fs.readFileSync(ws(rel), 'utf8');

async function shot(name) {
  shotNo++;
  const file = path.join(ARTIFACTS, `${String(shotNo).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

async function closeWidgets() {
  for (let i = 0; i < 3; i++) await page.keyboard.press('Escape');
}

async function clearNotifications() {
  await runCommand('Notifications: Clear All Notifications');
}

/** Runs a command by its palette title (exact row match). */
async function runCommand(title) {
  // The palette's command list can come up slowly on a loaded 2-core
  // machine (a window reload after trust, a busy extension host): retry
  // with a fresh palette rather than fail on the first slow open.
  for (let attempt = 1; ; attempt++) {
    await closeWidgets();
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill('>' + title);
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
    try {
      await row.waitFor({ timeout: 15000 });
    } catch (e) {
      if (attempt >= 3) throw e;
      await page.keyboard.press('Escape');
      continue;
    }
    await row.click();
    return;
  }
}

/** Opens a workspace file with Quick Open and waits for its editor. */
async function openFile(rel) {
  await closeWidgets();
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(rel);
  const name = path.basename(rel);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor();
  await page.keyboard.press('Enter');
  await page.locator('.tab.active', { hasText: name }).waitFor();
  await page.locator('.editor-instance .monaco-editor .view-lines').first().waitFor();
}

async function gotoLine(line) {
  // Ctrl+G is the browser's in code-server: go through Quick Open's ":line".
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(':' + line);
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
}

/** Problems panel: filter on `text` and wait for a matching row. */
async function problemsRow(text) {
  const filter = page.locator('.markers-panel-container, .panel').locator('.viewpane-filter input, .markers-panel-action-filter input').first();
  await filter.waitFor({ state: 'visible' });
  await filter.fill(text);
  const row = page.locator('.markers-panel .monaco-list-row', { hasText: text }).first();
  await row.waitFor({ timeout: 30000 });
  return row;
}

/** The folder open in the workbench: states written by the extension host of another window are ignored. */
let openFolder;

/** Opens `folder` in the workbench and waits until the extension's language client runs. */
async function openWorkbench(folder) {
  openFolder = folder;
  fs.rmSync(path.join(STATE_DIR, 'state.json'), { force: true });
  await page.goto(`${CS_URL}/?folder=${encodeURIComponent(folder)}`);
  await page.locator('.monaco-workbench').waitFor({ timeout: 90000 });
  return waitFor(() => ownState().serverInfo && ownState(), 'the language client to start', 90000);
}

/** The state, when the extension host of the open window wrote it (the previous window's may still write once). */
function ownState() {
  const st = state();
  return st.folder === openFolder ? st : {};
}

/** Trusts the open folder through the Workspace Trust editor; resolves once the extension restarted trusted. */
async function trustWorkspace() {
  const { starts } = await waitFor(() => ownState().serverInfo && ownState(), 'the language client of this window');
  await runCommand('Workspaces: Manage Workspace Trust');
  const trust = page.getByRole('button', { name: /^Trust$/ }).first();
  await trust.waitFor();
  await trust.click();
  const st = await waitFor(() => {
    const now = ownState();
    return now.trusted === true && now.starts > starts && now.serverInfo && now;
  }, () => `the server restarted trusted (state: ${JSON.stringify(state())})`);
  await page.keyboard.press('Control+W'); // the trust editor
  await waitFor(async () => (await page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).count()) === 0, 'Restricted Mode indicator gone');
  return st;
}

/**
 * A deploy's progress, as the extension recorded it: everything came on the
 * workDoneToken it made up and sent (never a `smaqit/deploy/N` the server
 * created), from `begin` to one `end`, and it is the deploy's, not another's.
 */
function assertOwnToken(progress, environment) {
  assert.ok(progress, 'the extension recorded the deploy progress');
  assert.equal(progress.environment, environment);
  assert.match(progress.token, /^smaqit-vscode\/deploy\/[0-9a-f-]{36}$/, 'a token of the extension');
  assert.ok(!progress.token.startsWith(DEPLOY_PREFIX), 'not a token the server created');
  const kinds = progress.values.map((v) => v.kind);
  assert.equal(kinds[0], 'begin', JSON.stringify(kinds));
  assert.equal(kinds.filter((k) => k === 'begin').length, 1, JSON.stringify(kinds));
  assert.match(progress.values[0].title ?? '', new RegExp(`deploying \`${environment}\``));
  for (const v of progress.values) {
    assert.doesNotMatch(`${v.title ?? ''} ${v.message ?? ''}`, /indexing|indexed|\d+\/\d+ specs/, 'no indexing progress taken for the deploy');
  }
}

before(async () => {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  context = await chromium.launchPersistentContext(env('CHROME_DIR'), {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1600, height: 1000 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-features=Translate,MediaRouter',
    ],
  });
  context.setDefaultTimeout(20000);
  page = context.pages()[0] ?? (await context.newPage());
});

afterEach(async (t) => {
  // A picture of where each test ended, passed or failed.
  try {
    await shot(`end-${t.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 50)}`);
  } catch {
    /* the browser may be gone */
  }
});

after(async () => {
  await context?.close();
});

test('the extension activates on the fixture project (Restricted Mode) and starts the bundled server', async () => {
  // Activation comes from workspaceContains:.smaqit — no file is open yet.
  const st = await openWorkbench(WS);
  console.log('# state:', JSON.stringify(st));
  assert.equal(st.activated, true);
  assert.equal(st.serverInfo.name, 'smaqit-ls');
  assert.equal(st.serverSource, 'bundled');
  assert.match(st.serverPath, /extensions\/smaqit\.smaqit-ls-[^/]+\/server\/smaqit-ls$/);
  assert.equal(st.trusted, false, 'the suite starts in Restricted Mode');
  assert.ok(st.serverCommands.includes('smaqit.setStatus'), 'server commands: ' + st.serverCommands);
  // The status bar item is there.
  const sb = await waitFor(() => state().statusBar, 'status bar text');
  const label = sb.replace(/\$\([^)]*\)\s*/g, '').trim();
  await page.locator('.statusbar-item', { hasText: label }).first().waitFor();
  await shot('activated');
});

test('Problems shows each family: secret in IaC, open criterion, cross-layer conflict (diagnostics run untrusted)', async () => {
  await page.keyboard.press('Control+Shift+M');
  await page.locator('.markers-panel').waitFor();
  // closed files: workspace diagnostics pulled from the server
  const families = [
    ['secret/aws-access-key', 'main.tf'], // hardcoded AWS key in deploy/terraform/main.tf
    ['secret/generic-password', 'docker-compose.yml'],
    ['criteria/open-in-done-spec', 'search.md'], // open criterion in an implemented spec
    ['ref/forbidden-direction', 'search.md'], // Functional → Stack link
    ['lifecycle/ahead-of-upstream', 'local-environment.md'], // deployed spec on a draft upstream
  ];
  for (const [code, file] of families) {
    const row = await problemsRow(code);
    const text = await row.innerText();
    assert.match(text, /smaqit/);
    // the file group of the first match
    const group = page.locator('.markers-panel .monaco-list-row', { hasText: file }).first();
    await group.waitFor({ timeout: 10000 });
    await shot(`problems-${code.replace('/', '-')}`);
  }
  await problemsRow('secret/aws-access-key');
  await shot('problems-secret');
});

test('a deploy is refused in an untrusted workspace', async () => {
  await clearNotifications();
  await runCommand('smaqit: Deploy…');
  await page.locator('.notifications-toasts', { hasText: 'disabled in an untrusted workspace' }).waitFor();
  await waitFor(() => state().lastDeploy?.status === 'untrusted', 'lastDeploy=untrusted');
  await shot('deploy-refused-untrusted');
  await clearNotifications();
});

test('trusting the workspace restarts the server with trust', async () => {
  const st = await trustWorkspace();
  assert.equal(st.trusted, true);
  assert.equal(st.serverInfo.name, 'smaqit-ls');
});

test('quick fix "Change status to `implemented`" fixes the unknown status on disk', async () => {
  const rel = 'specs/stack/web-client.md';
  assert.match(disk(rel), /^status: implmented$/m);
  await openFile(rel);
  await page.locator('.monaco-editor .squiggly-error, .monaco-editor .squiggly-warning').first().waitFor({ timeout: 30000 });
  await gotoLine(3);
  await page.keyboard.press('End');
  await runCommand('Quick Fix...');
  const action = page.locator('.action-widget .monaco-list-row', { hasText: 'Change status to' }).first();
  await action.waitFor();
  await shot('quick-fix-menu');
  await action.click();
  await page.locator('.editor-instance .view-lines', { hasText: 'status: implemented' }).waitFor();
  await page.keyboard.press('Control+S');
  await waitFor(() => /^status: implemented$/m.test(disk(rel)), `${rel} saved with status: implemented`);
  assert.doesNotMatch(disk(rel), /implmented/);
  await shot('quick-fix-applied');
});

test('status transition "Set status: draft → implemented" from the Refactor menu writes status and timestamp', async () => {
  const rel = 'specs/stack/database.md';
  assert.match(disk(rel), /^status: draft$/m);
  assert.doesNotMatch(disk(rel), /^implemented:/m);
  await openFile(rel);
  await gotoLine(3);
  await runCommand('Refactor...');
  const action = page.locator('.action-widget .monaco-list-row', { hasText: 'draft → implemented' }).first();
  await action.waitFor();
  await shot('transition-menu');
  await action.click();
  await page.locator('.editor-instance .view-lines', { hasText: 'status: implemented' }).waitFor();
  await page.keyboard.press('Control+S');
  await waitFor(() => /^status: implemented$/m.test(disk(rel)), `${rel} saved with status: implemented`);
  assert.match(disk(rel), /^implemented: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/m, 'RFC 3339 timestamp added');
  await shot('transition-applied');
});

test('"smaqit: Show Deploy Plan" shows the deploy plan', async () => {
  await runCommand('smaqit: Show Deploy Plan');
  await page.locator('.tab.active', { hasText: 'Deploy Plan' }).waitFor();
  const lines = page.locator('.editor-instance .view-lines');
  await lines.filter({ hasText: 'smaqit deploy plan' }).waitFor();
  await lines.filter({ hasText: 'specs/infrastructure/release-pipeline.md' }).waitFor();
  await lines.filter({ hasText: 'specs/infrastructure/backups.md' }).waitFor();
  await shot('deploy-plan');
  await page.keyboard.press('Control+W');
});

test('"smaqit: Check Workspace" re-indexes and summarises the findings', async () => {
  await clearNotifications();
  await runCommand('smaqit: Check Workspace');
  const toast = page.locator('.notifications-toasts', { hasText: /smaqit: \d+ findings in \d+ files/ });
  await toast.waitFor({ timeout: 30000 });
  const check = await waitFor(() => state().lastCheck, 'lastCheck');
  assert.ok(check.total >= 30, `expected the example's findings, got ${JSON.stringify(check)}`);
  assert.ok(check.errors > 0 && check.warnings > 0);
  await shot('check-workspace');
  await clearNotifications();
});

test('"smaqit: Deploy…" deploys the local environment end to end (fixtures/clean); its code lens asks first', async (t) => {
  const commands = state().serverCommands ?? [];
  if (!commands.includes('smaqit.deploy')) {
    t.skip(`smaqit-ls does not advertise smaqit.deploy yet (executeCommandProvider.commands = ${JSON.stringify(commands)})`);
    return;
  }
  // fixtures/example is planted with problems (a deploy there is refused); fixtures/clean
  // defines the `local` environment: a Python service on a free loopback port.
  const diskC = (rel) => fs.readFileSync(path.join(DEPLOY_WS, rel), 'utf8');
  const plan = JSON.parse(execFileSync(SMAQIT_LS, ['plan-json', '--phase=deploy'], { cwd: DEPLOY_WS, encoding: 'utf8' }));
  const pendingInfra = plan.pending.map((p) => p.path).filter((p) => p.startsWith('specs/infrastructure/'));
  console.log('# pending before the deploy:', JSON.stringify(pendingInfra));
  assert.ok(pendingInfra.length > 0, 'fixtures/clean has a pending infrastructure spec');
  for (const rel of pendingInfra) assert.doesNotMatch(diskC(rel), /^status: deployed$/m);

  await openWorkbench(DEPLOY_WS);
  await trustWorkspace();
  const countsBefore = await waitFor(() => state().statusCounts, 'status bar counts');
  await clearNotifications();

  // "▶ Deploy to local" above a pending spec confirms like the palette; Cancel runs nothing.
  await openFile(pendingInfra[0]);
  const lens = page.locator('.codelens-decoration a', { hasText: 'Deploy to local' }).first();
  await lens.waitFor({ timeout: 30000 });
  await lens.click();
  const lensDialog = page.locator('.monaco-dialog-box');
  await lensDialog.waitFor();
  assert.match(await lensDialog.innerText(), /Deploy to "local"\?[\s\S]*deploy\/service\.py/, 'the lens confirms, listing the steps');
  await shot('deploy-lens-confirm');
  await lensDialog.getByRole('button', { name: 'Cancel', exact: true }).click();
  await waitFor(() => state().lastDeploy?.status === 'not-confirmed' && state().lastDeploy.environment === 'local', 'the lens deploy not confirmed');
  for (const rel of pendingInfra) assert.doesNotMatch(diskC(rel), /^status: deployed$/m, 'a cancelled confirmation deploys nothing');

  await runCommand('smaqit: Deploy…');
  const envRow = page.locator('.quick-input-list .monaco-list-row', { hasText: 'local' }).first();
  await envRow.waitFor();
  await shot('deploy-pick-environment');
  await envRow.click();
  const dialog = page.locator('.monaco-dialog-box');
  await dialog.waitFor();
  const confirmText = await dialog.innerText();
  assert.match(confirmText, /Deploy to "local"\?/);
  assert.match(confirmText, /deploy\/service\.py/, 'the confirmation lists the steps');
  assert.match(confirmText, /Specs it deploys:\s+specs\/infrastructure\/local-service\.md/, 'and the specs it deploys');
  await shot('deploy-confirm');
  await dialog.getByRole('button', { name: 'Deploy', exact: true }).click();
  await page.locator('.notifications-toasts', { hasText: 'smaqit: deploying local' }).waitFor({ timeout: 30000 });
  await shot('deploy-progress');
  const done = await waitFor(
    () => state().lastDeploy?.environment === 'local' && state().lastDeploy.status !== 'not-confirmed' && state().lastDeploy,
    'the deploy to finish',
    240000,
  );
  console.log('# deploy result:', JSON.stringify(done));
  assert.equal(done.status, 'success', done.message);
  // The notification was driven by the progress on the extension's own token.
  const progress = state().deployProgress;
  console.log('# deploy progress:', JSON.stringify(progress));
  assertOwnToken(progress, 'local');
  assert.ok(progress.values.some((v) => v.kind === 'report' && /attempt 1 of/.test(v.message ?? '')), 'the steps reported progress');
  assert.match(progress.values.at(-1).message ?? '', /^success/);
  await page.locator('.notifications-toasts', { hasText: 'smaqit: deployed "local"' }).waitFor();
  // The endpoint is a real service on loopback.
  assert.match(done.endpoint, /^http:\/\/127\.0\.0\.1:\d+\/?$/);
  const health = await fetch(new URL('health', done.endpoint));
  assert.equal(health.status, 200);
  assert.equal((await health.json()).status, 'ok');
  // The spec open since the lens was updated in its editor (a versioned
  // workspace/applyEdit, not behind the buffer's back); saved, it is on disk.
  const openTab = page.locator('.tab', { hasText: path.basename(pendingInfra[0]) }).first();
  await openTab.click();
  await page.locator('.editor-instance .view-lines', { hasText: 'status: deployed' }).waitFor({ timeout: 30000 });
  await page.keyboard.press('Control+S');
  // The pending infrastructure specs are now deployed, on disk.
  for (const rel of pendingInfra) {
    await waitFor(() => /^status: deployed$/m.test(diskC(rel)) && /^deployed: \d{4}-/m.test(diskC(rel)), `${rel} to become status: deployed`);
  }
  // The report was opened in an editor (window/showDocument from the server).
  assert.ok(done.report, 'the result names the report');
  const reportPath = decodeURIComponent(new URL(done.report).pathname);
  const reportName = path.basename(reportPath);
  await page.locator('.tab', { hasText: reportName }).first().waitFor({ timeout: 30000 });
  const report = fs.readFileSync(reportPath, 'utf8');
  assert.match(report, /Deployment Phase Report/);
  for (const secret of (process.env.DEPLOY_SECRETS ?? '').split(',').filter(Boolean)) {
    assert.ok(!report.includes(secret), 'no secret value in the report');
  }
  await shot('deploy-report');
  // The status bar counts the deployed specs again.
  await waitFor(
    () => !/deploying/.test(state().statusBar ?? '') && state().statusCounts?.deployed > countsBefore.deployed,
    `status bar: more deployed specs than ${countsBefore.deployed}`,
  );
  console.log('# status bar after the deploy:', state().statusBar);
});

test('a deploy follows its own progress token: indexing meanwhile is not taken for it, and Cancel stops it', async (t) => {
  const commands = state().serverCommands ?? [];
  if (!commands.includes('smaqit.deploy')) {
    t.skip('smaqit-ls does not advertise smaqit.deploy');
    return;
  }
  // One long step, so that there is time to index and to cancel while it runs.
  const envFile = path.join(DEPLOY_WS, '.smaqit', 'environments.toml');
  fs.appendFileSync(
    envFile,
    '\n[environments.slow]\ndescription = "e2e: one long step, cancelled by the test"\nsteps = [["sleep", "30"]]\ntimeout_secs = 120\nretries = 0\nspecs = ["INF-LOCAL-SERVICE"]\n',
  );
  await clearNotifications();
  await runCommand('smaqit: Deploy…');
  const envRow = page.locator('.quick-input-list .monaco-list-row', { hasText: 'slow' }).first();
  await envRow.waitFor();
  await envRow.click();
  // Its one spec was deployed by the test before: the confirmation says nothing is
  // pending and offers to deploy again (regen).
  const dialog = page.locator('.monaco-dialog-box');
  await dialog.waitFor();
  assert.match(await dialog.innerText(), /Deploy "slow" again\?[\s\S]*Nothing is pending[\s\S]*local-service\.md/);
  await dialog.getByRole('button', { name: 'Deploy Again', exact: true }).click();
  // The notification shows the step the server reports on the extension's token.
  const toast = page.locator('.notifications-toasts .notification-toast', { hasText: 'smaqit: deploying slow' });
  await toast.filter({ hasText: 'step 1: sleep 30' }).waitFor({ timeout: 30000 });
  await shot('deploy-slow-progress');

  // The server indexes again (its own `smaqit/index` progress) while the deploy runs.
  await runCommand('smaqit: Check Workspace');
  await page.locator('.notifications-toasts', { hasText: /smaqit: \d+ findings in \d+ files|smaqit: no findings/ }).waitFor({ timeout: 30000 });
  let progress = state().deployProgress;
  assertOwnToken(progress, 'slow');
  assert.ok(!progress.values.some((v) => v.kind === 'end'), 'the deploy progress did not end with the indexing: ' + JSON.stringify(progress.values));
  assert.equal(state().lastDeploy?.environment === 'slow', false, 'the deploy still runs');

  // The toast has made room for the check's; the deploy's notification is in the
  // notification centre, still showing the deploy's step.
  await runCommand('Notifications: Show Notifications');
  const item = page.locator('.notifications-center .notification-list-item', { hasText: 'smaqit: deploying slow' });
  await item.filter({ hasText: 'step 1: sleep 30' }).waitFor();
  await shot('deploy-slow-after-check');

  // Cancel: window/workDoneProgress/cancel on the same token; the server answers `cancelled`.
  await item.hover();
  await item.getByRole('button', { name: 'Cancel' }).click();
  const done = await waitFor(() => state().lastDeploy?.environment === 'slow' && state().lastDeploy, 'the cancelled deploy to answer', 60000);
  console.log('# cancelled deploy:', JSON.stringify(done));
  assert.equal(done.status, 'cancelled', done.message);
  progress = state().deployProgress;
  assertOwnToken(progress, 'slow');
  assert.equal(progress.values.at(-1).kind, 'end');
  assert.match(progress.values.at(-1).message ?? '', /^cancelled/);
  await page.locator('.notifications-center, .notifications-toasts', { hasText: 'smaqit: the deploy of "slow" was cancelled' }).first().waitFor();
  await shot('deploy-slow-cancelled');
  await clearNotifications();
});
