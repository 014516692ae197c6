/**
 * The game day's check of secured scrapes: with authentication on, Prometheus scrapes every target of the
 * stack (`up == 1` for each job), and a request without the credential to any secured target gets 401.
 * Returns what is wrong, as sentences; an empty list means all is well.
 */
import type { Stack } from './stack.ts';
import { waitFor } from './processes.ts';

interface ActiveTarget {
  labels: Record<string, string>;
  scrapeUrl: string;
  health: 'up' | 'down' | 'unknown';
  lastError: string;
}

/** The active targets once each has been scraped at least once (health known). */
async function scrapedTargets(prometheusUrl: string): Promise<ActiveTarget[]> {
  return waitFor(
    'every target to have been scraped',
    async () => {
      const res = await fetch(`${prometheusUrl}/api/v1/targets?state=active`);
      const body = (await res.json()) as { data: { activeTargets: ActiveTarget[] } };
      const targets = body.data.activeTargets;
      return targets.length > 0 && targets.every((t) => t.health !== 'unknown') ? targets : undefined;
    },
    60_000,
  );
}

/**
 * What is wrong with the stack's scrapes: a job missing or not `up == 1`, or a secured target that answers
 * a request without its token (or with a wrong one) with anything but 401.
 *
 * @example
 * expect(await securedScrapeProblems(stack)).toEqual([]);
 */
export async function securedScrapeProblems(stack: {
  urls: Pick<Stack['urls'], 'prometheus'>;
  scrapeAuth: Stack['scrapeAuth'];
}): Promise<string[]> {
  const problems: string[] = [];
  const targets = await scrapedTargets(stack.urls.prometheus);
  const jobs = [...stack.scrapeAuth.secured, ...stack.scrapeAuth.open];
  const res = await fetch(`${stack.urls.prometheus}/api/v1/query?query=up`);
  const up = (await res.json()) as {
    data: { result: { metric: { job: string }; value: [number, string] }[] };
  };
  const upByJob = new Map(up.data.result.map((r) => [r.metric.job, r.value[1]]));
  for (const job of jobs)
    if (upByJob.get(job) !== '1') problems.push(`${job}: up is ${upByJob.get(job) ?? 'missing'}, not 1`);
  for (const t of targets)
    if (t.health !== 'up') problems.push(`${t.labels.job}: ${t.health} (${t.lastError})`);
  const secured = new Set(stack.scrapeAuth.secured);
  const checked = targets.filter((t) => secured.has(t.labels.job ?? ''));
  if (checked.length < secured.size)
    problems.push(`only ${checked.length} of ${secured.size} secured jobs are scrape targets`);
  for (const t of checked) {
    const attempts: Record<string, string>[] = [{}, { authorization: 'Bearer not-the-scrape-token-0000' }];
    for (const headers of attempts) {
      const status = (await fetch(t.scrapeUrl, { headers })).status;
      if (status !== 401)
        problems.push(
          `${t.labels.job}: ${t.scrapeUrl} answered ${status} to a request ${'authorization' in headers ? 'with a wrong token' : 'without a token'}, not 401`,
        );
    }
  }
  return problems;
}
