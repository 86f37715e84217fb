// The proxy's one nftables table, kept equal to the latest ruleset, each sync one `nft -f -`
// transaction (a packet sees the old rules or the new ones, never a mix); other tables are
// never touched. A sync writes what changed since the last one (rewriting 1,000 Services'
// chains takes the kernel about half a second; one Service's, milliseconds); the first sync,
// the one after a failure and one an hour flush the whole table and write it all, repairing
// whatever someone else changed. Affinity sets are never flushed (their entries are the
// clients' affinities), only deleted once no endpoint uses them. A chain no longer used is
// deleted in the same transaction, except on kernels before 6.2, which may still count a
// just-removed map element's reference to it: there it is emptied at once and deleted a second
// later, as upstream does.

import { runWithInput } from '../../runtime/process/commandWithInput.ts';
import { release } from 'node:os';
import { changesText, fullText, type Ruleset } from './nftRuleset.ts';

export interface NftTable {
  readonly name: string;
  /** Makes the table hold exactly this ruleset. Resolves to whether stale chains are left for a later apply to delete. */
  apply(ruleset: Ruleset): Promise<{ staleChainsLeft: boolean }>;
}

const staleChainDelayMs = kernelAtLeast(6, 2) ? 0 : 1000;
const fullSyncIntervalMs = 60 * 60_000;

export function createNftTable(name: string): NftTable {
  const table = `ip ${name}`;
  /** Until the first apply succeeds, whatever a previous agent left is deleted first. */
  let fresh = true;
  /** What the table holds (a failed transaction changes nothing). */
  let current: Ruleset | undefined;
  let lastFull = -Infinity;
  /** After a failure, perhaps because someone changed the table, the next apply writes all of it. */
  let failed = false;
  const staleSince = new Map<string, number>();
  return {
    name,
    async apply(ruleset) {
      const now = performance.now();
      const stale = new Map(staleSince);
      for (const chain of current?.chains.keys() ?? []) if (!ruleset.chains.has(chain) && !stale.has(chain)) stale.set(chain, now);
      for (const chain of ruleset.chains.keys()) stale.delete(chain);
      const deleting = [...stale].filter(([, since]) => now - since >= staleChainDelayMs).map(([chain]) => chain);
      const full = !current || failed || now - lastFull >= fullSyncIntervalMs;
      const script = [
        `add table ${table}`,
        ...(full ? [fresh ? `delete table ${table}\nadd table ${table}` : `flush table ${table}`, fullText(ruleset)] : [changesText(current!, ruleset)]),
        ...[...(current?.affinitySets ?? [])].filter((s) => !ruleset.affinitySets.has(s)).map((s) => `delete set ${table} ${s}`),
        ...deleting.map((chain) => `delete chain ${table} ${chain}`),
        '',
      ].join('\n');
      try {
        await runNft(script);
      } catch (err) {
        failed = true;
        throw err;
      }
      fresh = false;
      failed = false;
      current = ruleset;
      if (full) lastFull = now;
      staleSince.clear();
      for (const [chain, since] of stale) if (!deleting.includes(chain)) staleSince.set(chain, since);
      return { staleChainsLeft: staleSince.size > 0 };
    },
  };
}

/** Runs an nft script as one transaction; fails with nft's own message (its first lines, cut short). */
export function runNft(script: string): Promise<void> {
  return runWithInput('nft', ['-f', '-'], script);
}

function kernelAtLeast(major: number, minor: number): boolean {
  const [a = 0, b = 0] = release().split('.').map((n) => parseInt(n, 10));
  return a > major || (a === major && b >= minor);
}
