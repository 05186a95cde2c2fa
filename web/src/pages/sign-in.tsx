import { useState } from 'preact/hooks';
import type { WebConfig } from '../api';
import { t } from '../i18n';
import type { Session } from '../session';
import { startOidcSignIn } from '../oidc';

/** Sign in: a picker of the demo users on the embedded default, the OIDC issuer otherwise. */
export function SignInPage(props: {
  config: WebConfig | null;
  onSignIn: (s: Session) => void;
  failed: boolean;
}) {
  const { config, onSignIn, failed } = props;
  const [token, setToken] = useState('');
  if (!config) return <p role="status">{t('common.loading')}</p>;
  if (config.auth === 'oidc' && config.oidc) {
    const oidc = config.oidc;
    return (
      <section class="card narrow">
        <h1>{t('signIn.title')}</h1>
        <p>{t('signIn.oidcIntro')}</p>
        {failed && (
          <p class="error" role="alert">
            {t('signIn.failed')}
          </p>
        )}
        <button type="button" class="primary" onClick={() => void startOidcSignIn(oidc)}>
          {t('signIn.oidcButton')}
        </button>
      </section>
    );
  }
  const roles = ['officer', 'issuer', 'auditor', 'inspector'] as const;
  const submit = (event: Event) => {
    event.preventDefault();
    const user = config.demoUsers.find((candidate) => candidate.token === token);
    if (user)
      onSignIn({
        token: user.token,
        role: user.role,
        agencyCode: user.agencyCode,
        agencyName: user.agencyName,
        ...(user.national ? { national: true } : {}),
      });
  };
  return (
    <section class="card narrow">
      <h1>{t('signIn.title')}</h1>
      <p>{t('signIn.demoIntro')}</p>
      <form onSubmit={submit}>
        <label for="demo-user">{t('signIn.demoUser')}</label>
        <select id="demo-user" value={token} onChange={(e) => setToken(e.currentTarget.value)} required>
          <option value="">{t('signIn.choose')}</option>
          {roles.map((role) => (
            <optgroup label={t(`role.${role}`)}>
              {config.demoUsers
                .filter((user) => user.role === role)
                .map((user) => (
                  <option value={user.token}>
                    {t(`role.${role}`)} · {user.agencyName}
                  </option>
                ))}
            </optgroup>
          ))}
        </select>
        <button type="submit" class="primary">
          {t('signIn.submit')}
        </button>
      </form>
    </section>
  );
}
