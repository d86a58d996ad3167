// The smaqit-ls `workspace/executeCommand` contract used by this extension.
// Every command here is optional on the server side: the extension checks
// `capabilities.executeCommandProvider.commands` before it calls one.

export const Commands = {
  setStatus: 'smaqit.setStatus',
  reindex: 'smaqit.reindex',
  listEnvironments: 'smaqit.listEnvironments',
  plan: 'smaqit.plan',
  status: 'smaqit.status',
  deploy: 'smaqit.deploy',
} as const;

/** `smaqit.listEnvironments []` → one entry per environment of `.smaqit/environments.toml`. */
export interface Environment {
  name: string;
  description?: string;
  /** Each step is one argv. */
  steps: string[][];
  /** Health checks run after the steps. */
  health?: string[];
}

export interface PendingSpec {
  path: string;
  id: string;
  status: string;
}

/** `smaqit.plan []` */
export interface Plan {
  phase: string;
  /** The plan as `smaqit-ls plan` prints it, verbatim. */
  output: string;
  pending: PendingSpec[];
}

export type SpecStatus = 'draft' | 'implemented' | 'deployed' | 'validated' | 'failed' | 'deprecated';

/** `smaqit.status []` */
export interface ProjectStatus {
  counts: Partial<Record<SpecStatus, number>>;
  deploying: boolean;
}

/** `smaqit.deploy [{environment}]` */
export interface DeployResult {
  status: 'success' | 'failed' | 'cancelled' | 'refused';
  endpoint?: string;
  /** URI of the deploy report. */
  report?: string;
  message: string;
  attempts: number;
}

export const STATUS_ORDER: SpecStatus[] = ['draft', 'implemented', 'deployed', 'validated', 'failed', 'deprecated'];

/** Renders a step's argv the way a shell user would read it. */
export function shellQuote(argv: string[]): string {
  return argv
    .map((a) => (a === '' ? "''" : /^[A-Za-z0-9_@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`))
    .join(' ');
}
