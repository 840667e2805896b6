import JSZip from 'jszip';
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import type { DriverSpec } from './driver-specs.js';
import { readLog, type Job } from './jobs.js';

/**
 * A driver execution's input and result data, as Exastro hands them out
 * (`GET …/driver/{execution_no}/populated_data` and `…/result_data`): zip archives named
 * `InputData_<no>.zip` and `ResultData_<no>.zip`. drydock builds them when asked, from what the job
 * keeps — its spec, frozen at registration, and its log — so nothing is stored twice:
 * - input: the playbook (`in/playbook.yml`) and inventory (`in/hosts`), or the Terraform module's
 *   files (`in/<name>.tf`) or the Terraform Cloud workspace (`in/workspace.json`), and the
 *   variables (`in/vars.json`);
 * - result: the log (`out/exec.log`), what the tool wrote to stderr (`out/error.log`), and the
 *   job's result (`out/result.json`). None before the job has written anything.
 */

export const inputDataName = (job: Pick<Job, 'id'>) => `InputData_${job.id}.zip`;
export const resultDataName = (job: Pick<Job, 'id'>) => `ResultData_${job.id}.zip`;

/** The input data of a driver execution. */
export async function populatedData(job: Job): Promise<Buffer> {
  const spec = job.spec as DriverSpec;
  const zip = new JSZip();
  const input = zip.folder('in')!;
  if (spec.playbook !== undefined) input.file('playbook.yml', spec.playbook);
  if (spec.inventory !== undefined) input.file('hosts', spec.inventory);
  for (const [name, content] of Object.entries(spec.terraform_files ?? {})) input.file(name, content);
  if (spec.tfc_organization !== undefined) {
    input.file('workspace.json', `${JSON.stringify({ organization: spec.tfc_organization, workspace: spec.tfc_workspace }, null, 2)}\n`);
  }
  input.file('vars.json', `${JSON.stringify(spec.variables, null, 2)}\n`);
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
}

/** The result data of a driver execution; undefined before it has written anything. */
export async function resultData(db: Kysely<Database>, job: Job): Promise<Buffer | undefined> {
  const log = await readLog(db, job.id);
  if (log.length === 0 && job.result === null) return undefined;
  const zip = new JSZip();
  const out = zip.folder('out')!;
  out.file('exec.log', log.map((l) => l.text).join(''));
  const errors = log.filter((l) => l.stream === 'stderr');
  if (errors.length > 0) out.file('error.log', errors.map((l) => l.text).join(''));
  if (job.result !== null) out.file('result.json', `${JSON.stringify(job.result, null, 2)}\n`);
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
}
