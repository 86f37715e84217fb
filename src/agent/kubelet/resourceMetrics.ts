// The kubelet's /metrics/resource (what metrics-server scrapes), made from the Summary as
// upstream's resource metrics collector does: the node's, pods' and containers' cumulative cpu
// seconds and memory working sets, each sample stamped with the time it was taken, and
// containers' start times; resource_scrape_error says whether collecting failed. Prometheus
// text format as Go's client writes it: families sorted by name, labels by name, samples by
// their labels, numbers as Go formats float64s, empty families left out.

import type { Summary } from './resourceUsage.ts';

interface Sample {
  labels: Record<string, string>;
  value: number;
  /** When it was measured (RFC 3339); absent for values that are times themselves. */
  time?: string;
}

interface Family {
  name: string;
  type: 'counter' | 'gauge';
  help: string;
  samples: Sample[];
}

/** The exposition for a summary, or for a collection that failed (undefined). */
export function resourceMetrics(summary: Summary | undefined): string {
  const family = (name: string, type: Family['type'], help: string): Family => ({ name, type, help: `[STABLE] ${help}`, samples: [] });
  const nodeCpu = family('node_cpu_usage_seconds_total', 'counter', 'Cumulative cpu time consumed by the node in core-seconds');
  const nodeMemory = family('node_memory_working_set_bytes', 'gauge', 'Current working set of the node in bytes');
  const podCpu = family('pod_cpu_usage_seconds_total', 'counter', 'Cumulative cpu time consumed by the pod in core-seconds');
  const podMemory = family('pod_memory_working_set_bytes', 'gauge', 'Current working set of the pod in bytes');
  const containerCpu = family('container_cpu_usage_seconds_total', 'counter', 'Cumulative cpu time consumed by the container in core-seconds');
  const containerMemory = family('container_memory_working_set_bytes', 'gauge', 'Current working set of the container in bytes');
  const containerStart = family('container_start_time_seconds', 'gauge', 'Start time of the container since unix epoch in seconds');
  const scrapeError = family('resource_scrape_error', 'gauge', '1 if there was an error while getting container metrics, 0 otherwise');
  scrapeError.samples.push({ labels: {}, value: summary ? 0 : 1 });

  if (summary) {
    const { cpu, memory } = summary.node;
    if (cpu?.usageCoreNanoSeconds !== undefined) nodeCpu.samples.push({ labels: {}, value: cpu.usageCoreNanoSeconds / 1e9, time: cpu.time });
    if (memory?.workingSetBytes !== undefined) nodeMemory.samples.push({ labels: {}, value: memory.workingSetBytes, time: memory.time });
    for (const pod of summary.pods) {
      const of = { pod: pod.podRef.name, namespace: pod.podRef.namespace };
      for (const c of pod.containers) {
        const labels = { container: c.name, ...of };
        const started = Date.parse(c.startTime);
        if (started > 0) containerStart.samples.push({ labels, value: started / 1000 });
        if (c.cpu?.usageCoreNanoSeconds !== undefined) containerCpu.samples.push({ labels, value: c.cpu.usageCoreNanoSeconds / 1e9, time: c.cpu.time });
        if (c.memory?.workingSetBytes !== undefined) containerMemory.samples.push({ labels, value: c.memory.workingSetBytes, time: c.memory.time });
      }
      if (pod.cpu?.usageCoreNanoSeconds !== undefined) podCpu.samples.push({ labels: of, value: pod.cpu.usageCoreNanoSeconds / 1e9, time: pod.cpu.time });
      if (pod.memory?.workingSetBytes !== undefined) podMemory.samples.push({ labels: of, value: pod.memory.workingSetBytes, time: pod.memory.time });
    }
  }

  const families = [nodeCpu, nodeMemory, podCpu, podMemory, containerCpu, containerMemory, containerStart, scrapeError]
    .filter((f) => f.samples.length > 0)
    .sort((a, b) => compare(a.name, b.name));
  return families.map(render).join('');
}

function render(f: Family): string {
  const lines = f.samples.map((s) => ({ labels: labelText(s.labels), s })).sort((a, b) => compare(a.labels, b.labels));
  return [
    `# HELP ${f.name} ${f.help}\n`,
    `# TYPE ${f.name} ${f.type}\n`,
    ...lines.map(({ labels, s }) => `${f.name}${labels} ${goFloat(s.value)}${s.time ? ` ${Date.parse(s.time)}` : ''}\n`),
  ].join('');
}

function labelText(labels: Record<string, string>): string {
  const pairs = Object.entries(labels).sort(([a], [b]) => compare(a, b));
  if (pairs.length === 0) return '';
  return `{${pairs.map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`).join(',')}}`;
}

/** Byte order, as Go sorts strings. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Go's strconv.FormatFloat(v, 'g', -1, 64): the shortest digits, an exponent below 1e-4 and from 1e6. */
export function goFloat(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
  if (v === 0) return '0';
  const [digits, exponentText] = v.toExponential().split('e') as [string, string];
  const exponent = Number(exponentText);
  if (exponent >= -4 && exponent < 6) return String(v);
  return `${digits}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
}
