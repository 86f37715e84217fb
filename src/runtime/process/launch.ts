// How a container process is started. A small shell "shim" (detached: its own session and
// process group) joins the container's cgroups, points its stdout/stderr at the container's
// two FIFOs (opened read-write, so the writer never sees EPIPE while no runtime reads them:
// output waits in the pipe for the next runtime instance), runs the container in the
// foreground and writes `<exit code> <finish time>` to the exit file. It traps SIGTERM, so
// the group-wide SIGTERM of stopContainer reaches the container while the shim survives to
// record the exit. The container itself goes through an init script that sets up what it
// needs inside its namespaces (hostname, bind mounts, user) and then execs the argv.
//
// A container with stdin (or a terminal) reads a third FIFO, opened read-only for it. A
// "keeper" process (double-forked, so it is no child of the shim; in its group and cgroups)
// holds the FIFO's write end, so the container never reads EOF while no one is attached, nor
// when the runtime restarts. A line on the keeper's control FIFO ends it (the runtime's
// stdinOnce, or the shim once the container has exited): once the attached writers have gone
// too, the container reads EOF. With a terminal the container runs under script(1), whose pty
// merges stdout and stderr into the stdout FIFO.
//
// The wrappers between the shim and the container (nsenter, unshare) write their own errors
// to a side file rather than the container's stderr, which the init script takes back from
// fd 3; the shim copies them to the log afterwards. That also lets the shim see util-linux
// unshare's (2.38) failure when the container's PID 1 was killed by SIGKILL (the OOM killer,
// a kill -9): it exits 1 with "sigprocmask unblock failed" instead of dying of the signal,
// and the shim records the 137 it stands for.

import type { ContainerConfig } from '../runtime.ts';
import { onTerminal } from './terminal.ts';

const SHIM = [
  'exitfile=$1; out=$2; err=$3; in=$4; procs=$5; shift 5',
  'for f in $procs; do echo $$ > "$f" || exit 125; done',
  'exec 1<>"$out" 2<>"$err" </dev/null',
  'trap : TERM INT HUP',
  'if [ -n "$in" ]; then',
  '  exec 4<>"$in" 5<>"$in.keeper"',
  '  ( (read -r _ <&5) </dev/null >/dev/null 2>&1 & )',
  '  exec 4<&- <"$in"',
  'fi',
  'side="$exitfile.wrappers"',
  '"$@" 3>&2 2>"$side" 5<&-',
  'code=$?',
  '[ -z "$in" ] || echo >&5',
  'if [ "$code" = 1 ] && grep -q "sigprocmask unblock failed" "$side"; then code=137; else cat "$side" >&2; fi',
  'printf "%s %s\\n" "$code" "$(date -u +%Y-%m-%dT%H:%M:%S.%NZ)" > "$exitfile.tmp" && mv "$exitfile.tmp" "$exitfile"',
].join('\n');

const INIT_NAME = 'skiff-init';

/**
 * Whether a container's process (its argv) is still the init script or a wrapper before it
 * (their argv ends with the init's), so not yet running the container's command.
 */
export function isLaunching(argv: readonly string[]): boolean {
  return argv.some((arg, i) => arg === INIT_NAME && argv[i - 2] === '-c' && argv[i - 3] === '/bin/sh');
}

export interface LaunchPlan {
  /** 'root': own namespaces and cgroups; 'rootless': a user+mount namespace only when there are mounts. */
  mode: 'root' | 'rootless';
  /** Root: PID 1 of the pod holder, whose network, UTS and IPC namespaces the container joins. */
  podInitPid?: number;
  /** Root: join the holder's PID namespace too (shareProcessNamespace) instead of a new one. */
  sharePid?: boolean;
  exitFile: string;
  stdoutFifo: string;
  stderrFifo: string;
  /** The container's stdin FIFO (its keeper's control FIFO is beside it, `<path>.keeper`); /dev/null without one. */
  stdinFifo?: string;
  cgroupProcsFiles: string[];
  /** The init script's lines that mount the volumes in the container's mount namespace (mountPoints.ts). */
  volumeMounts: string[];
}

/** The argv (for /bin/sh) that starts the shim for this container. */
export function shimArgv(config: ContainerConfig, plan: LaunchPlan): string[] {
  const argv = containerArgv(config, plan);
  // On a terminal, the wrappers' errors still go to the shim's side file and the init script
  // still finds the container's stderr (now the pty) on fd 3.
  const command = config.tty ? onTerminal(`${argv.map(quote).join(' ')} 3>&2 2>${quote(`${plan.exitFile}.wrappers`)}`) : argv;
  return ['-c', SHIM, 'skiff-shim', plan.exitFile, plan.stdoutFifo, plan.stderrFifo, plan.stdinFifo ?? '', plan.cgroupProcsFiles.join(' '), ...command];
}

/** Whether the container reads a stdin FIFO: with stdin, and with a terminal (whose input must never end). */
export function hasStdinFifo(config: ContainerConfig): boolean {
  return config.stdin || config.tty;
}

function containerArgv(config: ContainerConfig, plan: LaunchPlan): string[] {
  const init = [
    'exec 2>&3 3>&-',
    ...plan.volumeMounts,
    `cd ${quote(config.workingDir || '/')} || exit 126`,
    `exec ${[...ownSession(config, plan), ...userSwitch(config, plan)].map(quote).join(' ')} "$@"`,
  ];
  const initArgv = ['/bin/sh', '-c', init.join('\n'), INIT_NAME, ...config.argv];
  if (plan.mode === 'root') {
    // Its own mount namespace (with /proc of its PID namespace); its own PID namespace, with
    // the container as PID 1, unless the pod shares one.
    const enter = ['nsenter', `--target=${plan.podInitPid}`, '--net', '--uts', '--ipc', ...(plan.sharePid ? ['--pid'] : []), '--'];
    const unshare = ['unshare', '--mount', '--propagation', 'private', '--mount-proc', ...(plan.sharePid ? [] : ['--pid', '--fork', '--kill-child']), '--'];
    return [...enter, ...unshare, ...initArgv];
  }
  // Without root, bind mounts need a user namespace where we are root; the init script then
  // maps back to our own uid in a nested one, so the container sees who it really runs as.
  return config.mounts.length > 0 ? ['unshare', '--user', '--map-root-user', '--mount', '--propagation', 'private', '--', ...initArgv] : initArgv;
}

/**
 * As root, a container on a terminal leads a session of its own with the pty as its controlling
 * terminal (taken over, as root may), as runc's containers do: the session script(1) made is
 * led by a process outside the container's PID namespace, where a shell's job control cannot
 * hand the terminal back ("Cannot set tty process group").
 */
function ownSession(config: ContainerConfig, plan: LaunchPlan): string[] {
  return plan.mode === 'root' && config.tty ? ['setsid', '--ctty', '--wait'] : [];
}

function userSwitch(config: ContainerConfig, plan: LaunchPlan): string[] {
  if (plan.mode === 'rootless') {
    if (config.mounts.length === 0) return [];
    const uid = process.getuid?.() ?? 0;
    const gid = process.getgid?.() ?? 0;
    return ['unshare', '--user', `--map-user=${uid}`, `--map-group=${gid}`, '--'];
  }
  if (!config.user) return [];
  const { uid, gid, supplementalGroups = [] } = config.user;
  const groups = supplementalGroups.length > 0 ? `--groups=${supplementalGroups.join(',')}` : '--clear-groups';
  return ['setpriv', `--reuid=${uid}`, `--regid=${gid}`, groups, '--'];
}

/** Quotes a word for sh. */
export function quote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}
