// The skiff command.

import { parseArgs } from 'node:util';
import { runServer } from './server.ts';
import { runAgent } from './agent.ts';

const usage = `skiff: Kubernetes as one small program

Usage:
  skiff server [--data-dir DIR] [--port 6443]   run the control plane
  skiff up [--data-dir DIR] [--port 6443]       the one-command local cluster
  skiff agent --server URL --token TOKEN [--simulate N]
                                                join a node (or N simulated nodes)
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
        },
        strict: true,
      });
      const port = Number(values.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port: not a port number: ${values.port}`);
      if (values.datastore !== 'sqlite') throw new UsageError(`--datastore: only "sqlite" is available so far (etcd is on the roadmap)`);
      await runServer({ dataDir: values['data-dir'], port, host: values.host });
      return 0;
    }
    case 'agent':
      return runAgent(rest);
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
