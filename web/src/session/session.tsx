import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, onApiFailure, setCsrfToken } from '../api/client';
import type { LoginAnswer, User, WhoAmI } from '../../../src/http/wire-types';

/** Where the console stands with the server: still asking, signed out, or signed in as `user`. */
export type SessionState =
  { readonly kind: 'loading' } | { readonly kind: 'signed-out'; readonly expired: boolean } | { readonly kind: 'signed-in'; readonly user: User };

interface Session {
  readonly state: SessionState;
  readonly signIn: (organizationId: string, username: string, password: string) => Promise<void>;
  readonly signOut: () => Promise<void>;
}

const SessionContext = createContext<Session | undefined>(undefined);

/**
 * The cookie session. On load it asks whoami (which also returns the CSRF token, so a reload keeps
 * working); any 401 afterwards means the session ended, and the console goes back to sign-in.
 */
export function SessionProvider({ children }: { readonly children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ kind: 'loading' });

  useEffect(() => {
    let live = true;
    api<WhoAmI>('GET', '/api/auth/whoami')
      .then((user) => {
        if (!live) return;
        setCsrfToken(user.csrf_token);
        setState({ kind: 'signed-in', user });
      })
      .catch(() => live && setState({ kind: 'signed-out', expired: false }));
    return () => {
      live = false;
    };
  }, []);

  useEffect(
    () =>
      onApiFailure((failure) => {
        if (failure.status !== 401) return;
        setCsrfToken(undefined);
        setState((s) => (s.kind === 'signed-in' ? { kind: 'signed-out', expired: true } : s));
      }),
    [],
  );

  const signIn = useCallback(async (organizationId: string, username: string, password: string) => {
    const answer = await api<LoginAnswer>('POST', '/api/auth/login', {
      ...(organizationId.trim() !== '' && { organization_id: organizationId.trim() }),
      username: username.trim(),
      password,
    });
    setCsrfToken(answer.csrf_token);
    setState({ kind: 'signed-in', user: answer.user });
  }, []);

  const signOut = useCallback(async () => {
    try {
      await api<null>('POST', '/api/auth/logout');
    } finally {
      setCsrfToken(undefined);
      setState({ kind: 'signed-out', expired: false });
    }
  }, []);

  const value = useMemo(() => ({ state, signIn, signOut }), [state, signIn, signOut]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}

/** The signed-in user; only for components rendered inside the signed-in layout. */
export function useUser(): User {
  const { state } = useSession();
  if (state.kind !== 'signed-in') throw new Error('useUser while not signed in');
  return state.user;
}
