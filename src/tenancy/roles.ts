/**
 * Who a user is, system-wide:
 * - `system_admin`: manages the system (maintenance mode, organizations, upgrades); belongs to no
 *   organization and may read every organization's data.
 * - `organization_manager`: a user of one organization who manages it and all its workspaces.
 * - `workspace_member`: a user of one organization who works in the workspaces they are a member of.
 */
export const ROLES = ['system_admin', 'organization_manager', 'workspace_member'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/**
 * What a token may do beyond its user's identity (tenancy/tokens.ts). No scope: everything its user
 * may do. `fleet-node`: only announce fleet nodes (`POST /api/platform/fleet/nodes`, route access
 * `fleet_node`), so the token a node's agent holds is worth nothing else if the node is compromised.
 */
export const TOKEN_SCOPES = ['fleet-node'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

/** The authenticated caller of a request. */
export interface Principal {
  readonly userId: string;
  readonly username: string;
  readonly role: Role;
  /** Null for system administrators. */
  readonly organizationId: string | null;
  /** How the caller proved who it is; cookie sessions need CSRF protection. */
  readonly via: 'basic' | 'token' | 'session';
  /** The session's CSRF token (sessions only). */
  readonly csrfToken?: string;
  /** The session's hashed id (sessions only), so sign-out can end it. */
  readonly sessionIdHash?: string;
  /** A scoped token's scope (tenancy/tokens.ts): the caller may only make calls of the matching access. */
  readonly scope?: TokenScope;
  /** A `fleet-node` token's node: the one node name it may announce. */
  readonly node?: string;
}
