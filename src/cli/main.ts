// The skiff command.

import { hostname } from 'node:os';
import { parseArgs } from 'node:util';
import { CidrSet } from '../controllers/nodeIpam/cidrSet.ts';
import { serviceNetwork, type ServiceNetwork } from '../apiserver/serviceAllocation/serviceNetwork.ts';

const usage = `skiff: Kubernetes as one small program

Usage:
  skiff server [--data-dir DIR] [--port 6443]   run the control plane and this machine's node
      [--disable-agent] [--node-name NAME] [--cluster-cidr 10.42.0.0/16] [--node-cidr-mask-size 24]
      [--service-cidr 10.43.0.0/16] [--service-node-port-range 30000-32767] [--cluster-dns 10.43.0.10]
      [--ingress-http-port 80] [--ingress-https-port 443] [--disable-ingress]
      [--node-monitor-grace-period 50s] [--node-eviction-rate 0.1]
      [--default-toleration-seconds 300] [--controllers '*,-name'] [--disable-scheduler]
  skiff up [--data-dir DIR] [--port 6443]       the one-command local cluster
  skiff agent --server URL --token TOKEN [--simulate N]
                                                join a node (or N simulated nodes)
  skiff killall [--data-dir DIR]                stop every pod of this machine's node and
                                                remove their namespaces, interfaces, cgroups
  skiff version

Data dir: --data-dir, else $SKIFF_DATA_DIR, else ~/.skiff.
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'server':
    case 'up': {
      const { values } = parseArgs({
        args: rest,
        options: {
          'data-dir': { type: 'string' },
          port: { type: 'string', default: '6443' },
          host: { type: 'string', default: '0.0.0.0' },
          datastore: { type: 'string', default: 'sqlite' },
          'disable-agent': { type: 'boolean', default: false },
          'node-name': { type: 'string' },
          'cluster-cidr': { type: 'string', default: '10.42.0.0/16' },
          'node-cidr-mask-size': { type: 'string', default: '24' },
          'service-cidr': { type: 'string', default: '10.43.0.0/16' },
          'service-node-port-range': { type: 'string', default: '30000-32767' },
          'cluster-dns': { type: 'string' },
          'ingress-http-port': { type: 'string', default: '80' },
          'ingress-https-port': { type: 'string', default: '443' },
          'disable-ingress': { type: 'boolean', default: false },
          'node-monitor-grace-period': { type: 'string', default: '50s' },
          'node-monitor-period': { type: 'string', default: '5s' },
          'node-eviction-rate': { type: 'string', default: '0.1' },
          'default-toleration-seconds': { type: 'string', default: '300' },
          controllers: { type: 'string', default: '*' },
          'disable-scheduler': { type: 'boolean', default: false },
        },
        strict: true,
      });
      const port = portNumber(values.port, '--port');
      if (values.datastore !== 'sqlite') throw new UsageError(`--datastore: only "sqlite" is available so far (etcd is on the roadmap)`);
      // Each command loads only its own modules: an agent carries no control plane.
      const { runServer } = await import('./server.ts');
      await runServer({
        dataDir: values['data-dir'],
        port,
        host: values.host,
        controllers: {
          nodeMonitorGracePeriodMs: durationMs(values['node-monitor-grace-period'], '--node-monitor-grace-period'),
          nodeMonitorPeriodMs: durationMs(values['node-monitor-period'], '--node-monitor-period'),
          nodeEvictionRate: positiveNumber(values['node-eviction-rate'], '--node-eviction-rate'),
          ...clusterCidr(values['cluster-cidr'], values['node-cidr-mask-size']),
        },
        defaultTolerationSeconds: positiveNumber(values['default-toleration-seconds'], '--default-toleration-seconds'),
        controllerSelection: values.controllers,
        scheduler: !values['disable-scheduler'],
        network: services(values['service-cidr'], values['service-node-port-range'], values['cluster-dns']),
        ingress: values['disable-ingress'] ? undefined : { httpPort: portNumber(values['ingress-http-port'], '--ingress-http-port'), httpsPort: portNumber(values['ingress-https-port'], '--ingress-https-port') },
        agent: values['disable-agent'] ? undefined : { nodeName: values['node-name'] ?? hostname().toLowerCase() },
      });
      return 0;
    }
    case 'agent':
      return (await import('./agent.ts')).runAgent(rest);
    case 'killall':
      return (await import('./killall.ts')).runKillall(rest);
    case 'version':
      console.log('skiff v0.1.0 (Kubernetes API v1.32)');
      return 0;
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(usage);
      return 0;
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

class UsageError extends Error {}

/** The pod range nodes get their podCIDRs from (checked here, so a bad flag is a usage error). */
function clusterCidr(cidr: string, maskText: string): { clusterCIDR: string; nodeCIDRMaskSize: number } {
  const mask = Number(maskText);
  try {
    new CidrSet(cidr, mask);
  } catch (err) {
    throw new UsageError(`--cluster-cidr ${cidr} / --node-cidr-mask-size ${maskText}: ${(err as Error).message}`);
  }
  return { clusterCIDR: cidr, nodeCIDRMaskSize: mask };
}

function portNumber(text: string, flag: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) throw new UsageError(`${flag}: not a port number: ${text}`);
  return port;
}

/** The Service address ranges (checked here, so a bad flag is a usage error). */
function services(serviceCIDR: string, nodePortRange: string, clusterDNS: string | undefined): ServiceNetwork {
  try {
    return serviceNetwork({ serviceCIDR, nodePortRange, clusterDNS });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** "50s", "2m", "1h", "500ms" (Go durations as kube flags take them), or plain seconds. */
function durationMs(text: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!m) throw new UsageError(`${flag}: not a duration: ${text} (e.g. 50s, 2m, 500ms)`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? 's') as 'ms' | 's' | 'm' | 'h'];
  return Number(m[1]) * unit;
}

function positiveNumber(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0) throw new UsageError(`${flag}: not a non-negative number: ${text}`);
  return n;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== 0) process.exit(code);
  },
  (err) => {
    if (err instanceof UsageError || (err as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`skiff: ${err.message}\n\n${usage}`);
      process.exit(2);
    }
    console.error(`skiff: ${err instanceof Error ? err.message : err}`);
    process.exit(1);
  },
);
