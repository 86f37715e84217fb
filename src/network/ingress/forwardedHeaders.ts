// The headers a proxied request and its response carry: hop-by-hop headers (RFC 9110 7.6.1,
// and any the Connection header names) stay on their own hop; the backend learns the client
// and the original request from X-Forwarded-For/-Proto/-Host/-Port and X-Real-IP, which the
// ingress sets itself (it is the edge: what a client sent in them is not trusted, as
// ingress-nginx does by default). The Host header passes unchanged.

import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders } from 'node:http';

const hopByHop = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

/** The headers for the backend. For an upgrade (websocket) the Upgrade and Connection headers go through. */
export function upstreamRequestHeaders(req: IncomingMessage, scheme: 'http' | 'https', upgrade: boolean): OutgoingHttpHeaders {
  const headers = endToEnd(req.headers);
  // The ingress answers "Expect: 100-continue" itself (node's server does) and streams the body.
  delete headers.expect;
  const client = clientAddress(req.socket.remoteAddress);
  headers['x-forwarded-for'] = client;
  headers['x-real-ip'] = client;
  headers['x-forwarded-proto'] = scheme;
  if (req.headers.host !== undefined) headers['x-forwarded-host'] = req.headers.host;
  headers['x-forwarded-port'] = String(req.socket.localPort ?? '');
  if (upgrade && req.headers.upgrade) {
    headers.connection = 'upgrade';
    headers.upgrade = req.headers.upgrade;
  }
  return headers;
}

/** The backend's response headers for the client. */
export function downstreamResponseHeaders(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  return endToEnd(headers);
}

function endToEnd(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const named = new Set((headers.connection ?? '').split(',').map((h) => h.trim().toLowerCase()).filter(Boolean));
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || hopByHop.has(name) || named.has(name)) continue;
    out[name] = value;
  }
  return out;
}

/** The client's address, an IPv4-mapped IPv6 address as plain IPv4. */
function clientAddress(address: string | undefined): string {
  return (address ?? '').replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');
}
