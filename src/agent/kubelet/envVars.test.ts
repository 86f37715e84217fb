import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ConfigMap, Container, Pod, Secret } from 'kubernetes-types/core/v1.js';
import { containerArgv, containerEnv, type EnvSources } from './envVars.ts';
import { ConfigError } from './downward.ts';

const configMaps: Record<string, ConfigMap> = {
  settings: { data: { MODE: 'fast', 'bad key': 'x', level: '3' } },
};
const secrets: Record<string, Secret> = {
  creds: { data: { PASSWORD: Buffer.from('hunter2').toString('base64') } },
};

function sources(warnings: string[] = [], serviceEnv: EnvSources['serviceEnv'] = []): EnvSources {
  return {
    serviceEnv,
    configMap: (_ns, name) => configMaps[name],
    secret: (_ns, name) => secrets[name],
    allocatable: { cpu: '4', memory: '8Gi' },
    podIPs: ['10.42.0.7'],
    hostIPs: ['192.168.1.2'],
    warn: (reason, message) => warnings.push(`${reason}: ${message}`),
  };
}

function podWith(container: Container): Pod {
  return {
    metadata: { name: 'web', namespace: 'shop', uid: 'u-1', labels: { app: 'web' }, annotations: { note: 'hi' } },
    spec: { nodeName: 'n1', serviceAccountName: 'sa', containers: [container] },
  };
}

const asMap = (env: { name: string; value: string }[]) => Object.fromEntries(env.map((e) => [e.name, e.value]));

test('values, field refs and expansion against earlier variables', () => {
  const c: Container = {
    name: 'app',
    env: [
      { name: 'NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      { name: 'NS', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
      { name: 'UID', valueFrom: { fieldRef: { fieldPath: 'metadata.uid' } } },
      { name: 'APP', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
      { name: 'NOTE', valueFrom: { fieldRef: { fieldPath: "metadata.annotations['note']" } } },
      { name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
      { name: 'SA', valueFrom: { fieldRef: { fieldPath: 'spec.serviceAccountName' } } },
      { name: 'IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
      { name: 'HOST', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } },
      { name: 'URL', value: 'http://$(IP):80/$(LATER)/$$(NAME)' },
      { name: 'LATER', value: 'x' },
    ],
  };
  const env = asMap(containerEnv(podWith(c), c, sources()));
  assert.deepEqual(env, {
    NAME: 'web', NS: 'shop', UID: 'u-1', APP: 'web', NOTE: 'hi', NODE: 'n1', SA: 'sa', IP: '10.42.0.7', HOST: '192.168.1.2',
    URL: 'http://10.42.0.7:80/$(LATER)/$(NAME)', LATER: 'x',
  });
});

test('resource refs divide and round up; an unset limit is the node allocatable', () => {
  const c: Container = {
    name: 'app',
    resources: { limits: { cpu: '250m', memory: '64Mi' }, requests: { cpu: '100m' } },
    env: [
      { name: 'CPU', valueFrom: { resourceFieldRef: { resource: 'limits.cpu' } } },
      { name: 'CPU_M', valueFrom: { resourceFieldRef: { resource: 'limits.cpu', divisor: '1m' } } },
      { name: 'MEM_MI', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } } },
      { name: 'REQ_M', valueFrom: { resourceFieldRef: { resource: 'requests.cpu', divisor: '1m' } } },
    ],
  };
  const env = asMap(containerEnv(podWith(c), c, sources()));
  assert.deepEqual(env, { CPU: '1', CPU_M: '250', MEM_MI: '64', REQ_M: '100' });
  const bare: Container = { name: 'app', env: [{ name: 'MEM', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Gi' } } }] };
  assert.equal(asMap(containerEnv(podWith(bare), bare, sources())).MEM, '8');
});

test('envFrom with a prefix, invalid keys skipped with a warning, env overriding it', () => {
  const warnings: string[] = [];
  const c: Container = {
    name: 'app',
    envFrom: [{ configMapRef: { name: 'settings' }, prefix: 'CFG_' }, { secretRef: { name: 'creds' } }, { configMapRef: { name: 'gone', optional: true } }],
    env: [{ name: 'CFG_level', value: 'override' }, { name: 'PW', valueFrom: { secretKeyRef: { name: 'creds', key: 'PASSWORD' } } }],
  };
  const env = asMap(containerEnv(podWith(c), c, sources(warnings)));
  assert.deepEqual(env, { CFG_MODE: 'fast', CFG_level: 'override', PASSWORD: 'hunter2', PW: 'hunter2' });
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /^InvalidEnvironmentVariableNames: Keys \[CFG_bad key\] from the EnvFrom configMap shop\/settings were skipped/);
});

test('a missing key or object is a config error unless optional', () => {
  const missingKey: Container = { name: 'app', env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'settings', key: 'nope' } } }] };
  assert.throws(() => containerEnv(podWith(missingKey), missingKey, sources()), (e: unknown) => e instanceof ConfigError && /couldn't find key nope in ConfigMap shop\/settings/.test(e.message));
  const missing: Container = { name: 'app', env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 'nope', key: 'k' } } }] };
  assert.throws(() => containerEnv(podWith(missing), missing, sources()), /secret "nope" not found/);
  const optional: Container = { name: 'app', env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'settings', key: 'nope', optional: true } } }] };
  assert.deepEqual(containerEnv(podWith(optional), optional, sources()), []);
});

test('command and args are expanded against the environment', () => {
  const c: Container = { name: 'app', command: ['sh', '-c'], args: ['echo $(GREETING) $(MISSING) $$(GREETING)'] };
  assert.deepEqual(containerArgv(c, [{ name: 'GREETING', value: 'hello' }]), ['sh', '-c', 'echo hello $(MISSING) $(GREETING)']);
});

test('service link variables come last, usable in expansion, and an explicit variable wins', () => {
  const c: Container = { name: 'app', env: [{ name: 'DB_SERVICE_PORT', value: '1' }, { name: 'URL', value: 'http://$(DB_SERVICE_HOST):$(DB_SERVICE_PORT)' }] };
  const links = [{ name: 'DB_SERVICE_HOST', value: '10.43.0.9' }, { name: 'DB_SERVICE_PORT', value: '5432' }];
  assert.deepEqual(containerEnv(podWith(c), c, sources([], links)), [
    { name: 'DB_SERVICE_PORT', value: '1' },
    { name: 'URL', value: 'http://10.43.0.9:1' },
    { name: 'DB_SERVICE_HOST', value: '10.43.0.9' },
  ]);
});
