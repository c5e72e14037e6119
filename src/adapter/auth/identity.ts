// Who is asking, in the shape SubjectAccessReview and TokenReview use (authentication/v1 UserInfo).

export interface UserInfo {
  readonly username: string;
  readonly uid?: string;
  readonly groups: readonly string[];
  readonly extra: Readonly<Record<string, readonly string[]>>;
}

export const authenticatedGroup = 'system:authenticated';
export const mastersGroup = 'system:masters';

/** Every authenticated user is also in system:authenticated, as the API server's group adder does. */
export function withAuthenticatedGroup(user: UserInfo): UserInfo {
  if (user.groups.includes(authenticatedGroup) || user.username === 'system:anonymous') return user;
  return { ...user, groups: [...user.groups, authenticatedGroup] };
}
