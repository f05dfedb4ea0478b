/**
 * Reads a `/metrics` answer as Prometheus does: through the reference client's own parser
 * (prometheus-client, in the project's venv), which refuses text that is not the exposition format.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { ROOT } from '../../src/db/target';

const PYTHON = path.join(ROOT, '.venv', 'bin', 'python');

const PARSE = `
import json, sys
from prometheus_client.parser import text_string_to_metric_families
families = {}
for family in text_string_to_metric_families(sys.stdin.read()):
    families[family.name] = {
        "type": family.type,
        "samples": [{"name": s.name, "labels": s.labels, "value": s.value} for s in family.samples],
    }
print(json.dumps(families))
`;

export interface Family {
  type: string;
  samples: { name: string; labels: Record<string, string>; value: number }[];
}

export function parsePrometheus(text: string): Promise<Record<string, Family>> {
  return new Promise((resolve, reject) => {
    const child = execFile(PYTHON, ['-c', PARSE], { maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`not Prometheus text: ${stderr || error.message}`));
      else resolve(JSON.parse(stdout) as Record<string, Family>);
    });
    child.stdin!.end(text);
  });
}

/** The series names a scrape offers, a family's without samples too (a counter never yet counted). */
export function seriesNames(families: Record<string, Family>): Set<string> {
  const names = new Set<string>();
  for (const [name, family] of Object.entries(families)) {
    for (const sample of family.samples) names.add(sample.name);
    if (family.type === 'counter') names.add(`${name}_total`);
    else if (family.type === 'histogram') for (const end of ['_bucket', '_count', '_sum']) names.add(name + end);
    else if (family.type === 'summary') for (const end of ['', '_count', '_sum']) names.add(name + end);
    else names.add(name);
  }
  return names;
}

/** The value of the sample `name` whose labels include `labels`; 0 when there is none. */
export function valueOf(families: Record<string, Family>, name: string, labels: Record<string, string> = {}): number {
  const samples = Object.values(families).flatMap((f) => f.samples);
  const sample = samples.find(
    (s) => s.name === name && Object.entries(labels).every(([key, value]) => s.labels[key] === value),
  );
  return sample?.value ?? 0;
}
