import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pathMatches, requestHost, requestPath, routeRequest } from './routeMatch.ts';
import { buildRoutingTable, type IngressObject, type MatchType } from './routingTable.ts';

const prefix = (path: string) => ({ type: 'Prefix' as MatchType, path: path.replace(/\/+$/, '') });
const exact = (path: string) => ({ type: 'Exact' as MatchType, path });

// The examples table of the Ingress documentation.
test('Prefix and Exact paths match as the Ingress API examples say', () => {
  const cases: [ReturnType<typeof prefix>, string, boolean][] = [
    [prefix('/'), '/', true],
    [prefix('/'), '/anything/at/all', true],
    [exact('/foo'), '/foo', true],
    [exact('/foo'), '/bar', false],
    [exact('/foo'), '/foo/', false],
    [exact('/foo/'), '/foo', false],
    [prefix('/foo'), '/foo', true],
    [prefix('/foo'), '/foo/', true],
    [prefix('/foo/'), '/foo', true],
    [prefix('/foo/'), '/foo/', true],
    [prefix('/aaa/bb'), '/aaa/bbb', false],
    [prefix('/aaa/bbb'), '/aaa/bbb', true],
    [prefix('/aaa/bbb/'), '/aaa/bbb', true],
    [prefix('/aaa/bbb'), '/aaa/bbb/', true],
    [prefix('/aaa/bbb'), '/aaa/bbb/ccc', true],
    [prefix('/aaa/bbb'), '/aaa/bbbxyz', false],
    [prefix('/foo'), '/FOO', false],
  ];
  for (const [route, path, matches] of cases) assert.equal(pathMatches(route, path), matches, `${route.type} ${route.path || '/'} against ${path}`);
});

test('the request host drops its port and trailing dot, in lower case', () => {
  assert.equal(requestHost('Foo.Example.com:8080'), 'foo.example.com');
  assert.equal(requestHost('foo.example.com.'), 'foo.example.com');
  assert.equal(requestHost('[::1]:80'), '[::1]');
  assert.equal(requestHost(undefined), '');
});

test('the request path drops the query, decodes escapes of unreserved characters and merges slashes', () => {
  assert.equal(requestPath('/a/b?x=1'), '/a/b');
  assert.equal(requestPath('/%61dmin'), '/admin');
  assert.equal(requestPath('/a%2Fb'), '/a%2Fb');
  assert.equal(requestPath('//a///b'), '/a/b');
  assert.equal(requestPath('http://example.com/x?y'), '/x');
  assert.equal(requestPath('http://example.com'), '/');
  assert.equal(requestPath('/%E0%A4%A'), '/%E0%A4%A');
});

let created = 0;
function ingress(name: string, spec: object): IngressObject {
  created++;
  return { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name, namespace: 'ns', creationTimestamp: `2024-01-01T00:00:${String(created).padStart(2, '0')}Z` }, spec };
}
const to = (service: string, path = '/', pathType = 'Prefix') => ({ path, pathType, backend: { service: { name: service, port: { number: 80 } } } });
const svc = (name: string) => ({ service: { name, port: { number: 80 } } });

/** A table whose every Service has one endpoint named after it, so routes say where they go. */
function tableOf(...ingresses: IngressObject[]) {
  const table = buildRoutingTable({
    ingresses,
    service: (namespace, name) => ({ metadata: { name, namespace }, spec: { ports: [{ port: 80 }] } }),
    endpointSlices: (namespace, name) => [{ metadata: { name, namespace }, addressType: 'IPv4', ports: [{ port: 8080 }], endpoints: [{ addresses: [`${name}.ip`] }] }],
    certificate: () => undefined,
  });
  return (host: string | undefined, url: string) => routeRequest(table, host, url)?.endpoints[0]?.host.replace(/\.ip$/, '');
}

test('hosts: an exact host before a wildcard one, both before rules without a host', () => {
  const route = tableOf(ingress('hosts', {
    rules: [
      { host: 'foo.example.com', http: { paths: [to('exact')] } },
      { host: '*.example.com', http: { paths: [to('wildcard')] } },
      { http: { paths: [to('any')] } },
    ],
  }));
  assert.equal(route('foo.example.com', '/'), 'exact');
  assert.equal(route('FOO.example.com:80', '/'), 'exact');
  assert.equal(route('bar.example.com', '/'), 'wildcard');
  // A wildcard covers one DNS label only.
  assert.equal(route('a.bar.example.com', '/'), 'any');
  assert.equal(route('example.com', '/'), 'any');
  assert.equal(route(undefined, '/'), 'any');
});

test('the host picks one group of rules, as nginx picks one server: no falling through to less specific hosts', () => {
  const route = tableOf(ingress('hosts', {
    rules: [
      { host: 'foo.example.com', http: { paths: [to('api', '/api')] } },
      { host: '*.example.com', http: { paths: [to('docs', '/docs')] } },
      { http: { paths: [to('static', '/static')] } },
    ],
  }));
  assert.equal(route('foo.example.com', '/api/v1'), 'api');
  assert.equal(route('foo.example.com', '/docs'), undefined);
  assert.equal(route('foo.example.com', '/static/x.css'), undefined);
  assert.equal(route('bar.example.com', '/docs'), 'docs');
  assert.equal(route('bar.example.com', '/static'), undefined);
  assert.equal(route('elsewhere.org', '/static/x.css'), 'static');
});

test('paths: the longest wins, Exact before Prefix at equal length, ImplementationSpecific is a plain prefix', () => {
  const route = tableOf(ingress('paths', {
    rules: [{
      http: {
        paths: [to('root', '/'), to('a', '/aaa'), to('a-exact', '/aaa', 'Exact'), to('ab', '/aaa/bbb/'), to('impl', '/impl', 'ImplementationSpecific')],
      },
    }],
  }));
  assert.equal(route('', '/'), 'root');
  assert.equal(route('', '/aaa'), 'a-exact');
  assert.equal(route('', '/aaa/'), 'a');
  assert.equal(route('', '/aaa/ccc'), 'a');
  assert.equal(route('', '/aaa/bbb'), 'ab');
  assert.equal(route('', '/aaa/bbb/ccc?q=1'), 'ab');
  assert.equal(route('', '/aaab'), 'root');
  assert.equal(route('', '/impl/x'), 'impl');
  assert.equal(route('', '/implx'), 'impl', 'as ingress-nginx\'s location /impl');
});

test('default backends: an Ingress\'s takes its hosts\' unmatched paths; one without rules takes the hosts no rule names', () => {
  const route = tableOf(
    ingress('first', { defaultBackend: svc('first-default'), rules: [{ host: 'a.example.com', http: { paths: [to('a', '/a')] } }] }),
    ingress('second', { defaultBackend: svc('second-default'), rules: [{ host: 'b.example.com', http: { paths: [to('b', '/b')] } }] }),
  );
  assert.equal(route('a.example.com', '/a'), 'a');
  assert.equal(route('a.example.com', '/zzz'), 'first-default');
  assert.equal(route('b.example.com', '/zzz'), 'second-default');
  assert.equal(route('c.example.com', '/'), undefined, 'an Ingress with rules is no catch-all');
  const withCatchAll = tableOf(ingress('catch-all', { defaultBackend: svc('catch-all') }), ingress('first', { rules: [{ host: 'a.example.com', http: { paths: [to('a', '/a')] } }] }));
  assert.equal(withCatchAll('c.example.com', '/'), 'catch-all');
  assert.equal(withCatchAll('a.example.com', '/zzz'), undefined, 'a host with rules of its own keeps to them');
});

test('with the same host and path in two Ingresses, the older one wins', () => {
  const older = ingress('older', { rules: [{ host: 'x.example.com', http: { paths: [to('older')] } }] });
  const newer = ingress('newer', { rules: [{ host: 'x.example.com', http: { paths: [to('newer')] } }] });
  assert.equal(tableOf(newer, older)('x.example.com', '/'), 'older');
});
