/**
 * Node names: `<ENV_TYPE>_<P|S>_<ENV_ID>` (docs/decisions/fleet-upgrades.md), e.g. `PROD_P_001` is the primary of
 * sub-environment 001 of PROD; its partner is `PROD_S_001`, and the pair is `PROD_001`.
 */

/** Which node of a pair: P (primary) or S (secondary). */
export type NodeRole = 'P' | 'S';

/** A parsed node name. */
export interface NodeName {
  readonly environment: string;
  readonly role: NodeRole;
  readonly envId: string;
}

/** An environment type: upper-case letters, digits, and inner dashes (`PROD`, `QA`, `STG-2`). No underscore: it separates the parts. */
export const ENV_TYPE_PATTERN = /^[A-Z][A-Z0-9-]*$/;
/** A sub-environment id: letters, digits, dashes (`001`, `tokyo-1`). */
export const ENV_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9-]*$/;

const NODE_NAME = /^([A-Z][A-Z0-9-]*)_(P|S)_([A-Za-z0-9][A-Za-z0-9-]*)$/;

/** Parses a node name, or says what is wrong with it. */
export function parseNodeName(name: string): NodeName | { error: string } {
  const m = NODE_NAME.exec(name);
  if (!m) {
    return {
      error: `"${name}" is not a node name: use <ENV_TYPE>_<P|S>_<ENV_ID>, e.g. PROD_P_001 (ENV_TYPE upper-case letters, digits, dashes; then P for the primary or S for the secondary; then the sub-environment id)`,
    };
  }
  return { environment: m[1]!, role: m[2] as NodeRole, envId: m[3]! };
}

/** `PROD_P_001` for (PROD, P, 001). */
export function nodeName(environment: string, role: NodeRole, envId: string): string {
  return `${environment}_${role}_${envId}`;
}

/** `PROD_001` for (PROD, 001): the pair's id. */
export function pairId(environment: string, envId: string): string {
  return `${environment}_${envId}`;
}

/** The other role of a pair. */
export function partnerRole(role: NodeRole): NodeRole {
  return role === 'P' ? 'S' : 'P';
}
