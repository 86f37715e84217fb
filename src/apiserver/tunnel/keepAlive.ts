// Both ends of a node tunnel ping the other over HTTP/2: a peer gone without closing the
// connection (a machine powered off, a network cut) is noticed within two intervals, and
// the session destroyed so the agent dials again and the apiserver stops routing to it.

import type { Http2Session } from 'node:http2';

/** HTTP/2 settings for tunnel sessions: a wider window than the 64 KiB default for bulk streams (logs, port-forward). */
export const tunnelSettings = { initialWindowSize: 1024 * 1024 };
const connectionWindowBytes = 8 * 1024 * 1024;

/** Widens the connection window and pings every intervalMs until the session closes. */
export function keepAlive(session: Http2Session, intervalMs = 30_000): void {
  session.setLocalWindowSize(connectionWindowBytes);
  let awaiting = false;
  const timer = setInterval(() => {
    if (awaiting) return void session.destroy(new Error('tunnel peer stopped answering pings'));
    awaiting = true;
    session.ping((err) => {
      if (!err) awaiting = false;
    });
  }, intervalMs);
  timer.unref();
  session.once('close', () => clearInterval(timer));
}
