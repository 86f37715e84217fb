// The proxy's one nftables table, kept equal to the latest ruleset: each apply is one `nft -f -`
// transaction that flushes the table's rules and maps and writes them all again, so a packet
// sees either the old rules or the new ones, never a mix. Other tables are never touched.
// Affinity sets are not flushed (their entries are the clients' affinities), only deleted once
// no endpoint uses them. A chain no longer used is emptied at once but deleted a second later,
// as upstream does: kernels before 6.2 may still count a just-removed map element's reference.

import { spawn } from 'node:child_process';
import { affinityPrefix, type Ruleset } from './nftRuleset.ts';

export interface NftTable {
  readonly name: string;
  /** Makes the table hold exactly this ruleset. Resolves to whether a later apply still has stale chains to delete. */
  apply(ruleset: Ruleset): Promise<{ staleChainsLeft: boolean }>;
  /** Deletes the table, if it exists. */
  remove(): Promise<void>;
}

const staleChainDelayMs = 1000;

export function createNftTable(name: string): NftTable {
  const table = `ip ${name}`;
  /** Until the first apply succeeds, whatever a previous agent left is deleted first. */
  let fresh = true;
  let chains = new Set<string>();
  let affinitySets = new Set<string>();
  const staleSince = new Map<string, number>();
  return {
    name,
    async apply(ruleset) {
      const now = Date.now();
      const stale = new Map(staleSince);
      for (const chain of chains) if (!ruleset.chains.has(chain) && !stale.has(chain)) stale.set(chain, now);
      for (const chain of ruleset.chains) stale.delete(chain);
      const deleting = [...stale].filter(([, since]) => now - since >= staleChainDelayMs).map(([chain]) => chain);
      const script = [
        `add table ${table}`,
        ...(fresh ? [`delete table ${table}`, `add table ${table}`] : [`flush table ${table}`]),
        ruleset.text.trimEnd(),
        ...[...affinitySets].filter((s) => s.startsWith(affinityPrefix) && !ruleset.affinitySets.has(s)).map((s) => `delete set ${table} ${s}`),
        ...deleting.map((chain) => `delete chain ${table} ${chain}`),
        '',
      ].join('\n');
      await runNft(script);
      fresh = false;
      chains = ruleset.chains;
      affinitySets = ruleset.affinitySets;
      staleSince.clear();
      for (const [chain, since] of stale) if (!deleting.includes(chain)) staleSince.set(chain, since);
      return { staleChainsLeft: staleSince.size > 0 };
    },
    async remove() {
      // "add" first: deleting a table that is not there is an error.
      await runNft(`add table ${table}\ndelete table ${table}\n`);
      fresh = true;
      chains = new Set();
      affinitySets = new Set();
      staleSince.clear();
    },
  };
}

/** Runs an nft script as one transaction; fails with nft's own message. */
export function runNft(script: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('nft', ['-f', '-'], { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`nft failed (${code}): ${stderr.trim().split('\n').slice(0, 6).join('\n')}`))));
    child.stdin.end(script);
  });
}
