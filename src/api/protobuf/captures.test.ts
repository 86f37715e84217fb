// Bodies real kubectl v1.32 sent (captured on loopback, Content-Type application/vnd.kubernetes.protobuf),
// each beside the JSON it must decode to. For commands with --dry-run that JSON is what kubectl itself
// prints for `<command> --dry-run=client -o json`, except that Go prints a nil list without omitempty
// as null (`"rules": null` in create-clusterrole-aggregation) where we leave the field out. For the
// others (token, auth, certificate, debug) it is decoder output reviewed against the Go types.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { decodeProtobufBody } from './decode.ts';

const captures: Record<string, string> = {
  'create-namespace': 'kubectl create namespace x',
  'create-deployment': 'kubectl create deployment web --image=nginx:1.27 --replicas=3 --port=8080',
  'create-configmap': 'kubectl create configmap cm --from-literal=a=1 --from-literal=b=two',
  'create-secret-generic': 'kubectl create secret generic s --from-literal=password=s3cr3t --type=Opaque',
  'create-secret-docker-registry': 'kubectl create secret docker-registry reg --docker-server=r.example --docker-username=u --docker-password=p',
  'create-job': 'kubectl create job j --image=busybox -- echo hi',
  'create-cronjob': "kubectl create cronjob cj2 --image=busybox --schedule='*/5 * * * *' -- date",
  'create-job-from-cronjob': 'kubectl create job fromcj --from=cronjob/cj',
  'create-service-clusterip': 'kubectl create service clusterip svc --tcp=80:8080',
  'create-service-nodeport': 'kubectl create service nodeport np --tcp=80:8080 --node-port=30080',
  'create-service-loadbalancer': 'kubectl create service loadbalancer lb --tcp=443:8443',
  'create-service-externalname': 'kubectl create service externalname en --external-name=example.com',
  'create-serviceaccount': 'kubectl create serviceaccount sa',
  'create-quota': 'kubectl create quota q --hard=cpu=1,memory=1Gi,pods=10 --scopes=BestEffort',
  'create-role': 'kubectl create role r --verb=get,list --resource=pods,deployments.apps --resource-name=a',
  'create-rolebinding': 'kubectl create rolebinding rb --role=r --user=alice --serviceaccount=default:sa --group=g',
  'create-clusterrole-aggregation': 'kubectl create clusterrole cr --aggregation-rule=a=b',
  'create-clusterrole-nonresource': 'kubectl create clusterrole cr2 --verb=get --non-resource-url=/healthz --non-resource-url=/api/*',
  'create-clusterrole-resources': 'kubectl create clusterrole cr3 --verb=get,watch --resource=nodes,pods/log',
  'create-clusterrolebinding': 'kubectl create clusterrolebinding crb --clusterrole=cr --user=bob',
  'create-priorityclass': 'kubectl create priorityclass pc --value=1000 --description=high --global-default=false --preemption-policy=Never',
  'create-pdb-min-available': 'kubectl create poddisruptionbudget pdb --selector=app=web --min-available=50%',
  'create-pdb-max-unavailable': 'kubectl create poddisruptionbudget pdb2 --selector=app=web --max-unavailable=1',
  'create-ingress': "kubectl create ingress ing --class=nginx --rule='foo.com/bar*=svc:8080,tls=my-cert' --annotation=a=b",
  'create-token': 'kubectl create token sa --duration=1h --audience=api',
  'autoscale': 'kubectl autoscale deployment web --min=2 --max=5 --cpu-percent=80',
  'auth-can-i-pods': 'kubectl auth can-i get pods',
  'auth-can-i-subresource': 'kubectl auth can-i create deployments.apps --subresource=scale -n kube-system',
  'auth-can-i-nonresource': 'kubectl auth can-i get /healthz',
  'auth-can-i-list': 'kubectl auth can-i --list',
  'auth-whoami': 'kubectl auth whoami',
  'certificate-approve': 'kubectl certificate approve csr1',
  'debug-node': 'kubectl debug node/n1 --image=busybox --profile=general -- sleep 1',
};

const fixture = (file: string) => readFileSync(new URL(`fixtures/${file}`, import.meta.url));

for (const [name, command] of Object.entries(captures)) {
  test(`decodes what \`${command}\` sends`, () => {
    const expected = JSON.parse(fixture(`${name}.json`).toString('utf8'));
    const decoded = decodeProtobufBody(fixture(`${name}.pb`));
    assert.equal(decoded.apiVersion, expected.apiVersion);
    assert.equal(decoded.kind, expected.kind);
    assert.deepEqual(decoded.object, expected);
  });
}

test('every captured body has a command above', () => {
  const files = readdirSync(new URL('fixtures/', import.meta.url)).filter((f) => f.endsWith('.pb'));
  assert.deepEqual(files.map((f) => f.slice(0, -3)).sort(), Object.keys(captures).sort());
});
