import { z } from 'zod';

/**
 * Organization and workspace ids: a letter first, then letters, digits, `_` or `-`, at most 36
 * characters (Exastro's rule, widened to upper case because its own examples use `Organization_01`).
 */
export const tenantIdSchema = z.string().regex(/^[A-Za-z][A-Za-z0-9_-]{0,35}$/, 'must start with a letter and hold only letters, digits, _ or - (at most 36)');

/** User names: what Keycloak accepts, without spaces. */
export const usernameSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._@-]{0,254}$/, 'must be letters, digits, . _ @ or - (at most 255)');

export const passwordSchema = z.string().min(8, 'must be at least 8 characters').max(1024);
