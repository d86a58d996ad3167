// Where the smaqit-ls binary comes from, in this order:
//   1. the `smaqit.server.path` setting (user settings only in an untrusted workspace)
//   2. the SMAQIT_LS_PATH environment variable
//   3. the binary bundled in the extension: <extension>/server/smaqit-ls
//   4. `smaqit-ls` on PATH
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export type ServerSource = 'setting' | 'environment' | 'bundled' | 'path';

export interface Resolved {
  path: string;
  source: ServerSource;
}

export class ServerNotFound extends Error {
  constructor(
    message: string,
    /** What was tried, one line each, for the output channel. */
    readonly tried: string[],
  ) {
    super(message);
  }
}

const EXE = process.platform === 'win32' ? 'smaqit-ls.exe' : 'smaqit-ls';

function isExecutableFile(p: string): boolean {
  try {
    if (!fs.statSync(p).isFile()) return false;
    if (process.platform === 'win32') return true;
    fs.accessSync(p, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function expand(p: string, baseDir: string | undefined): string {
  let out = p.trim();
  if (out === '~' || out.startsWith('~/')) out = path.join(os.homedir(), out.slice(1));
  if (!path.isAbsolute(out) && baseDir) out = path.join(baseDir, out);
  return path.normalize(out);
}

export interface ResolveInput {
  setting: string | undefined;
  env: NodeJS.ProcessEnv;
  extensionPath: string;
  /** For a relative `smaqit.server.path`. */
  workspaceDir: string | undefined;
}

export function resolveServer(input: ResolveInput): Resolved {
  const tried: string[] = [];
  const setting = input.setting?.trim();
  if (setting) {
    const p = expand(setting, input.workspaceDir);
    if (isExecutableFile(p)) return { path: p, source: 'setting' };
    // An explicit choice that is wrong is an error, not a reason to pick another binary.
    throw new ServerNotFound(
      `The setting smaqit.server.path is "${setting}", but ${p} is not an executable file. ` +
        'Fix the path, or clear the setting to use the bundled server.',
      [`smaqit.server.path: ${p} (not an executable file)`],
    );
  }
  tried.push('smaqit.server.path: not set');

  const fromEnv = input.env.SMAQIT_LS_PATH?.trim();
  if (fromEnv) {
    const p = expand(fromEnv, undefined);
    if (isExecutableFile(p)) return { path: p, source: 'environment' };
    throw new ServerNotFound(
      `The environment variable SMAQIT_LS_PATH is "${fromEnv}", which is not an executable file. ` +
        'Fix or unset it, then run "smaqit: Restart Language Server".',
      [...tried, `SMAQIT_LS_PATH: ${p} (not an executable file)`],
    );
  }
  tried.push('SMAQIT_LS_PATH: not set');

  const bundled = path.join(input.extensionPath, 'server', EXE);
  if (fs.existsSync(bundled)) {
    if (!isExecutableFile(bundled)) {
      // Some unzip paths drop the executable bit.
      try {
        fs.chmodSync(bundled, 0o755);
      } catch {
        /* reported below */
      }
    }
    if (isExecutableFile(bundled)) return { path: bundled, source: 'bundled' };
    tried.push(`bundled: ${bundled} (not executable)`);
  } else {
    tried.push(`bundled: ${bundled} (absent: this build of the extension ships no server for ${process.platform}-${process.arch})`);
  }

  const dirs = (input.env.PATH ?? '').split(path.delimiter).filter(Boolean);
  for (const d of dirs) {
    const p = path.join(d, EXE);
    if (isExecutableFile(p)) return { path: p, source: 'path' };
  }
  tried.push(`PATH: no ${EXE} in ${dirs.length} folders`);

  throw new ServerNotFound(
    'The smaqit-ls language server was not found. Install it (cargo install --path server, from a smaqit-ls checkout) ' +
      'so that smaqit-ls is on PATH, or set smaqit.server.path to the binary, then run "smaqit: Restart Language Server".',
    tried,
  );
}
