// Create-only kinds answered by a function (access and identity reviews).

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServedResource } from '../api/registry.ts';
import { decodeBody, readBody } from './body.ts';
import { badRequest, methodNotAllowed } from './errors.ts';
import { sendJson } from './respond.ts';
import type { User } from './server.ts';

export async function handleReview(req: IncomingMessage, res: ServerResponse, served: ServedResource, user: User): Promise<void> {
  if (req.method !== 'POST') throw methodNotAllowed();
  const { object } = decodeBody(await readBody(req), req.headers['content-type'], false);
  if (!object || typeof object !== 'object') throw badRequest(`Object 'Kind' is missing`);
  const answer = served.decl.review!(object, user);
  sendJson(res, 201, { ...answer, apiVersion: `${served.decl.group}/${served.version}`, kind: served.decl.kind, metadata: { ...answer.metadata, creationTimestamp: null } });
}
