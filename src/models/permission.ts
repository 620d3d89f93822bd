/** Permission bits, exactly as Flasky's. */
export const Permission = {
  FOLLOW: 1,
  COMMENT: 2,
  WRITE: 4,
  MODERATE: 8,
  ADMIN: 16,
} as const;

export type PermissionBit = (typeof Permission)[keyof typeof Permission];

/** Flasky's roles: name → permissions. The first is the default for new users. */
export const ROLES: Record<string, PermissionBit[]> = {
  User: [Permission.FOLLOW, Permission.COMMENT, Permission.WRITE],
  Moderator: [Permission.FOLLOW, Permission.COMMENT, Permission.WRITE, Permission.MODERATE],
  Administrator: [Permission.FOLLOW, Permission.COMMENT, Permission.WRITE, Permission.MODERATE, Permission.ADMIN],
};
export const DEFAULT_ROLE = 'User';
