import type { Command } from 'commander';
import { clientFrom, output, withConnection, type ConnectionFlags } from './connection.js';
import { table } from './progress.js';
import type { Organization, Workspace } from '../http/wire-types.js';

/** `drydock org …` and `drydock workspace …`. */
export function registerTenants(program: Command): void {
  const org = program
    .command('org')
    .description('Organizations (system administrators)')
    .addHelpText('after', '\nExamples:\n  drydock org list\n  drydock org create org001 --name "Org 001"');
  withConnection(org.command('list'))
    .description('List organizations')
    .addHelpText('after', '\nExample:\n  drydock org list')
    .action(async (flags: ConnectionFlags) => {
      const orgs = await clientFrom(flags).call<Organization[]>('GET', '/api/platform/organizations');
      output(flags, orgs, () =>
        table(
          ['id', 'name', 'last update'],
          orgs.map((o) => [o.id, o.name, o.last_update_timestamp]),
        ),
      );
    });
  withConnection(org.command('create <id>'))
    .description('Create an organization, optionally with its first manager')
    .requiredOption('--name <name>', 'display name')
    .option('--manager <user>', "the organization's first manager")
    .option('--manager-password <password>', "the manager's password")
    .addHelpText('after', '\nExample:\n  drydock org create org001 --name "Org 001" --manager alice --manager-password s3cret-pass')
    .action(async (id: string, flags: ConnectionFlags & { name: string; manager?: string; managerPassword?: string }) => {
      const body = {
        id,
        name: flags.name,
        ...(flags.manager && {
          organization_managers: [
            { username: flags.manager, credentials: [{ type: 'password', value: flags.managerPassword ?? '', temporary: false }], enabled: true },
          ],
        }),
      };
      const created = await clientFrom(flags).call<Organization>('POST', '/api/platform/organizations', body);
      output(flags, created, () => `created organization ${created.id}`);
    });
  withConnection(org.command('delete <id>'))
    .description('Delete an organization with everything in it')
    .addHelpText('after', '\nExample:\n  drydock org delete org001')
    .action(async (id: string, flags: ConnectionFlags) => {
      await clientFrom(flags).call('DELETE', `/api/platform/organizations/${encodeURIComponent(id)}`);
      output(flags, { deleted: id }, () => `deleted organization ${id}`);
    });

  const ws = program
    .command('workspace')
    .description('Workspaces of an organization (its managers, or system administrators)')
    .addHelpText('after', '\nExamples:\n  drydock workspace list org001\n  drydock workspace create org001 ws01 --name "Workspace 01"');
  withConnection(ws.command('list <organization>'))
    .description('List the workspaces you may see')
    .addHelpText('after', '\nExample:\n  drydock workspace list org001')
    .action(async (orgId: string, flags: ConnectionFlags) => {
      const list = await clientFrom(flags).call<Workspace[]>('GET', `/api/${encodeURIComponent(orgId)}/platform/workspaces`);
      output(flags, list, () =>
        table(
          ['id', 'name', 'last update'],
          list.map((w) => [w.id, w.name, w.last_update_timestamp]),
        ),
      );
    });
  withConnection(ws.command('create <organization> <id>'))
    .description('Create a workspace')
    .requiredOption('--name <name>', 'display name')
    .option('--description <text>', 'description')
    .addHelpText('after', '\nExample:\n  drydock workspace create org001 ws01 --name "Workspace 01"')
    .action(async (orgId: string, id: string, flags: ConnectionFlags & { name: string; description?: string }) => {
      const created = await clientFrom(flags).call<Workspace>('POST', `/api/${encodeURIComponent(orgId)}/platform/workspaces`, {
        id,
        name: flags.name,
        informations: { description: flags.description ?? '', environments: [], workspace_administrators: [] },
      });
      output(flags, created, () => `created workspace ${orgId}/${created.id}`);
    });
  withConnection(ws.command('delete <organization> <id>'))
    .description('Delete a workspace with its menus, records and jobs')
    .addHelpText('after', '\nExample:\n  drydock workspace delete org001 ws01')
    .action(async (orgId: string, id: string, flags: ConnectionFlags) => {
      await clientFrom(flags).call('DELETE', `/api/${encodeURIComponent(orgId)}/platform/workspaces/${encodeURIComponent(id)}`);
      output(flags, { deleted: `${orgId}/${id}` }, () => `deleted workspace ${orgId}/${id}`);
    });
}
