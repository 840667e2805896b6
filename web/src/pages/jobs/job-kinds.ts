/** The driver execution menu that runs a movement of each orchestrator (README "Jobs and workers"). */
export const DRIVER_MENU_OF_ORCHESTRATOR: Readonly<Record<string, string>> = {
  ansible: 'execution_ansible_legacy',
  'terraform-cli': 'execution_terraform_cli',
  'terraform-cloud-ep': 'execution_terraform_cloud_ep',
};

const DRIVER_MENU_OF_BACKYARD: Readonly<Record<string, string>> = {
  'ita-by-ansible-execute': 'execution_ansible_legacy',
  'ita-by-terraform-cli-execute': 'execution_terraform_cli',
  'ita-by-terraform-cloud-ep-execute': 'execution_terraform_cloud_ep',
};

const CONDUCTOR = 'ita-by-conductor-synchronize';

/**
 * Where a job's emergency stop and cancel live: `…/menu/{menu}/driver/{id}/` for driver runs,
 * `…/menu/{menu}/conductor/{id}/` for conductors; undefined for menu jobs (they have neither).
 */
export function controlPath(backyard: string, id: string): string | undefined {
  if (backyard === CONDUCTOR) return `/menu/conductor_list/conductor/${encodeURIComponent(id)}`;
  const menu = DRIVER_MENU_OF_BACKYARD[backyard];
  return menu ? `/menu/${menu}/driver/${encodeURIComponent(id)}` : undefined;
}

/** Not started yet, waiting for its time: it may be cancelled. */
export function isScheduled(backyard: string, statusId: string): boolean {
  return backyard === CONDUCTOR ? statusId === '2' : statusId === '9';
}

/** Not ended: an emergency stop applies. */
export function isUnfinished(backyard: string, statusId: string, timeEnd: string | null): boolean {
  if (timeEnd !== null) return false;
  return backyard === CONDUCTOR ? ['1', '2', '3', '4', '5'].includes(statusId) : ['1', '2', '3', '4', '9'].includes(statusId);
}
