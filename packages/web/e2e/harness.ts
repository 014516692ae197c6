/**
 * What the browser tests share: Debian's Chromium (skipped with a warning when absent, unless CI=true),
 * a production build of the UI with Vite, a free local port, the engine serving it on SQLite in `dir`, and
 * where the screenshots go (docs/ui/).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { build } from 'vite';
import { startServer, type FakeClock, type KlaxonConfig, type RunningServer } from '@klaxon/engine';
import { webRoot } from '../index.ts';

export const CHROMIUM = process.env.KLAXON_CHROMIUM ?? '/usr/bin/chromium';
export const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && process.env.CI === 'true') {
  throw new Error(
    `Chromium is not installed at ${CHROMIUM}, and CI=true forbids skipping the UI tests. Run scripts/install-deps.sh.`,
  );
}
if (!haveChromium) console.warn(`[klaxon ui tests] ${CHROMIUM} not found: the UI tests are SKIPPED.`);

export const WEB_DIR = fileURLToPath(new URL('..', import.meta.url));
export const SHOTS = fileURLToPath(new URL('../../../docs/ui/', import.meta.url));
export const PASSWORD = 'correct horse battery staple';

export const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });

/**
 * A production build, as `npm run build:web` makes: under vitest NODE_ENV is "test", and Vite would
 * otherwise bundle React's development build (StrictMode then runs every effect twice).
 */
export async function buildUi(): Promise<void> {
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ root: WEB_DIR, logLevel: 'warn' });
  } finally {
    process.env.NODE_ENV = nodeEnv;
  }
}

/** Chromium, headless, with nothing phoning home; the screenshot folder exists afterwards. */
export async function launchChromium(): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  mkdirSync(SHOTS, { recursive: true });
  return browser;
}

/** The engine on 127.0.0.1:`port`, on SQLite in `dir`, on the test's clock, serving the built UI. */
export function startUiEngine(
  config: KlaxonConfig,
  o: { port: number; dir: string; clock: FakeClock },
): Promise<RunningServer> {
  return startServer({
    config,
    database: { dialect: 'sqlite', path: join(o.dir, 'klaxon.db') },
    port: o.port,
    host: '127.0.0.1',
    clock: o.clock,
    uiRoot: webRoot,
  });
}
