// `npm run bench`: every benchmark, printing figures (no pass/fail: tests never time things).
// `npm run bench -- api scheduler loop node` runs some of them.

import { benchApi } from './api.ts';
import { benchScheduler } from './scheduler.ts';
import { benchLoop } from './loop.ts';
import { benchNode } from './node.ts';
import { benchProxy } from './proxy.ts';
import { benchServices } from './services.ts';

const benches: Record<string, () => Promise<void>> = { api: benchApi, scheduler: benchScheduler, loop: benchLoop, node: benchNode, proxy: benchProxy, services: benchServices };
const chosen = process.argv.slice(2);
for (const [name, bench] of Object.entries(benches)) {
  if (chosen.length > 0 && !chosen.includes(name)) continue;
  console.log(`\n== ${name}`);
  await bench();
}
