import { seg } from '../../api/client';

/** Where an organization's users are managed. */
export const usersPath = (organization: string): string => `/o/${seg(organization)}/users`;
