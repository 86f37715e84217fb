// Against a real server: the built-in RuntimeClass is created once, and kubectl shows it.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { SkiffServer, withoutControlLoops } from '../../../../test/e2e/harness.ts';
import { createHttpClient, loadKubeconfig } from '../../../client/httpClient.ts';
import { ensureBuiltinRuntimeClasses } from './builtinRuntimeClasses.ts';

const server = await SkiffServer.start(undefined, 0, withoutControlLoops);
after(() => server.stop());

test('ensureBuiltinRuntimeClasses creates `process` once and leaves it be', async () => {
  const client = createHttpClient(loadKubeconfig(server.kubeconfig));
  await ensureBuiltinRuntimeClasses(client);
  await ensureBuiltinRuntimeClasses(client);
  const table = await server.ok(['get', 'runtimeclasses']);
  assert.match(table, /^NAME\s+HANDLER\s+AGE\nprocess\s+process\s+\S+\n$/);
});
