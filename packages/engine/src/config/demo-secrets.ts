/**
 * The public demo secrets of examples/klaxon.yaml: the fallbacks of its `${KLAXON_…:-…}` keys and tokens,
 * and the hash of its demo password. Anyone can read them, so an engine that still uses one must not
 * listen beyond loopback (`startServer` refuses). A test keeps this list in step with the example.
 */
import type { KlaxonConfig } from './schema.ts';

export interface DemoSecret {
  kind: 'integrationKey' | 'apiToken' | 'passwordHash';
  value: string;
  /** The environment variable the example reads it from, when it does. */
  env?: string;
}

export const EXAMPLE_DEMO_SECRETS: readonly DemoSecret[] = [
  { kind: 'integrationKey', value: 'am-demo-key-0123456789abcdef', env: 'KLAXON_AM_KEY' },
  { kind: 'integrationKey', value: 'grafana-demo-key-0123456789ab', env: 'KLAXON_GRAFANA_KEY' },
  { kind: 'integrationKey', value: '0123456789abcdef0123456789abcdef', env: 'KLAXON_PD_GAME_KEY' },
  { kind: 'integrationKey', value: 'fedcba9876543210fedcba9876543210', env: 'KLAXON_PD_ML_KEY' },
  { kind: 'integrationKey', value: 'sns-demo-key-0123456789abcdef', env: 'KLAXON_SNS_KEY' },
  { kind: 'apiToken', value: 'admin-demo-token-change-me-0001', env: 'KLAXON_ADMIN_TOKEN' },
  { kind: 'apiToken', value: 'responder-demo-token-change-me-02', env: 'KLAXON_RESPONDER_TOKEN' },
  { kind: 'apiToken', value: 'viewer-demo-token-change-me-0003', env: 'KLAXON_VIEWER_TOKEN' },
  {
    // The password "klaxon-demo".
    kind: 'passwordHash',
    value: 'scrypt$32768$8$1$oQU2Sy5lk72ymMsImttM3Q==$UaF4WINQj6ZaRz0ZVrmvsx//Nn17CFuwOgudd5KR4qM=',
  },
];

const byValue = new Map(EXAMPLE_DEMO_SECRETS.map((s) => [`${s.kind}\n${s.value}`, s]));
const find = (kind: DemoSecret['kind'], value: string | undefined) =>
  value === undefined ? undefined : byValue.get(`${kind}\n${value}`);

const setIt = (s: DemoSecret, what: string) =>
  s.env
    ? `set ${s.env} to a secret of your own (e.g. \`openssl rand -hex 24\`) or write your own ${what}`
    : `write your own ${what}`;

/**
 * Every place `config` still uses one of the example's public demo secrets, each as a sentence naming it
 * (never its value) and what to set instead. Empty when there is none.
 */
export function demoSecretsInUse(
  config: Pick<KlaxonConfig, 'integrationKeys' | 'apiTokens' | 'users'>,
): string[] {
  const found: string[] = [];
  config.integrationKeys.forEach((k, i) => {
    const s = find('integrationKey', k.key);
    if (s) found.push(`integrationKeys[${i}] (${k.name}) is the example's demo key: ${setIt(s, 'key')}`);
  });
  config.apiTokens.forEach((t, i) => {
    const s = find('apiToken', t.token);
    if (s) found.push(`apiTokens[${i}] (${t.name}) is the example's demo token: ${setIt(s, 'token')}`);
  });
  config.users.forEach((u, i) => {
    if (find('passwordHash', u.passwordHash))
      found.push(
        `users[${i}] (${u.id}) has the example's demo password "klaxon-demo": give them a passwordHash of their own (\`npx klaxon hash-password\`) or remove it`,
      );
  });
  return found;
}

const LOOPBACK_HOST = /^(localhost|127(\.\d{1,3}){3}|::1|\[::1\]|::ffff:127(\.\d{1,3}){3})$/i;

/** Whether listening on `host` reaches this machine only. */
export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_HOST.test(host.trim());
}
