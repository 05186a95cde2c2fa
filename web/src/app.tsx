import { useEffect, useMemo, useState } from 'preact/hooks';
import { Api, type WebConfig } from './api';
import { language, switchLanguage, t } from './i18n';
import { AccountabilityPage } from './pages/accountability';
import { AuditPage } from './pages/audit';
import { ImportPage } from './pages/import';
import { InboxPage } from './pages/inbox';
import { InspectPage } from './pages/inspect';
import { ProgressPage } from './pages/progress';
import { SignInPage } from './pages/sign-in';
import { TaskPage } from './pages/task';
import { finishOidcSignIn } from './oidc';
import { loadSession, saveSession, type Session } from './session';

/** The pages, by hash (#/inbox, #/task/<id>...): a file server needs no fallback route. */
function useRoute(): string[] {
  const read = () => location.hash.replace(/^#\/?/, '').split('/').filter(Boolean);
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const changed = () => setRoute(read());
    addEventListener('hashchange', changed);
    return () => removeEventListener('hashchange', changed);
  }, []);
  return route;
}

const HOME: Record<Session['role'], string> = {
  officer: 'inbox',
  issuer: 'import',
  auditor: 'audit',
  inspector: 'inspect',
};

export function App() {
  const [config, setConfig] = useState<WebConfig | null>(null);
  const [session, setSession] = useState<Session | null>(loadSession);
  const [, setLanguage] = useState(language());
  const route = useRoute();
  const api = useMemo(() => (session ? new Api(session.token) : null), [session]);

  const [signInFailed, setSignInFailed] = useState(false);
  useEffect(() => {
    void Api.config().then(setConfig);
    // Back from the OIDC issuer: finish signing in.
    finishOidcSignIn().then(
      (returned) => returned && signIn(returned),
      () => setSignInFailed(true),
    );
  }, []);

  const signIn = (next: Session) => {
    saveSession(next);
    setSession(next);
    location.hash = `#/${HOME[next.role]}`;
  };
  const signOut = () => {
    saveSession(null);
    setSession(null);
    location.hash = '#/';
  };
  const toggleLanguage = async () => {
    await switchLanguage(language() === 'vi' ? 'en' : 'vi');
    setLanguage(language());
  };

  useEffect(() => {
    document.title = t('app.title');
  });

  const page = route[0] ?? (session ? HOME[session.role] : '');
  const links = session ? navigation(session.role) : [];
  return (
    <>
      <a class="skip" href="#main">
        {t('app.skipToContent')}
      </a>
      <header class="bar">
        <span class="brand">{t('app.title')}</span>
        {session && (
          <nav aria-label={t('nav.label')}>
            {links.map((link) => (
              <a href={`#/${link}`} aria-current={page === link ? 'page' : undefined}>
                {t(`nav.${link}`)}
              </a>
            ))}
          </nav>
        )}
        <span class="spacer" />
        {session && (
          <span class="who" data-testid="who">
            {t(`role.${session.role}`)} · <span translate={false}>{session.agencyName}</span>
          </span>
        )}
        <button
          type="button"
          class="link"
          onClick={() => void toggleLanguage()}
          data-testid="language"
          lang={language() === 'vi' ? 'en' : 'vi'}
          translate={false}
        >
          {t('app.switchLanguage')}
        </button>
        {session && (
          <button type="button" class="link" onClick={signOut}>
            {t('app.signOut')}
          </button>
        )}
      </header>
      <main id="main" tabIndex={-1}>
        {!session || !api ? (
          <SignInPage config={config} onSignIn={signIn} failed={signInFailed} />
        ) : page === 'task' && route[1] ? (
          <TaskPage api={api} session={session} taskId={route[1]} />
        ) : page === 'import' ? (
          <ImportPage api={api} />
        ) : page === 'audit' ? (
          <AuditPage api={api} session={session} taskId={route[1]} />
        ) : page === 'inspect' ? (
          <InspectPage api={api} />
        ) : page === 'progress' ? (
          <ProgressPage api={api} />
        ) : page === 'accountability' ? (
          <AccountabilityPage api={api} />
        ) : (
          <InboxPage api={api} session={session} />
        )}
      </main>
    </>
  );
}

function navigation(role: Session['role']): string[] {
  switch (role) {
    case 'officer':
      return ['inbox'];
    case 'issuer':
      return ['import', 'progress', 'inspect', 'inbox'];
    case 'auditor':
      return ['audit', 'inspect', 'accountability'];
    case 'inspector':
      return ['inspect', 'accountability', 'audit'];
  }
}
