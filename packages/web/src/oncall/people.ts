/** Names for user ids, from GET /api/v1/users; ids stand in while it loads or if it fails. */
import { useEffect, useState } from 'react';
import { api } from '../api.ts';
import type { User } from '../api.ts';

export type NameOf = (id: string | null) => string;

export function useUsers(): { users: User[]; nameOf: NameOf } {
  const [users, setUsers] = useState<User[]>([]);
  useEffect(() => {
    api.users().then(
      (r) => setUsers(r.users),
      () => setUsers([]),
    );
  }, []);
  const byId = new Map(users.map((u) => [u.id, u.name]));
  return { users, nameOf: (id) => (id === null ? 'nobody' : (byId.get(id) ?? id)) };
}
