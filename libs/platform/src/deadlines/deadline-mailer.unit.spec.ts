import { DeadlineMailer } from './deadline-mailer.js';

describe('DeadlineMailer', () => {
  const options = (smtpUrl: string) => ({
    smtpUrl,
    from: 'coord@laichau.gov.vn',
    addresses: new Map<string, string>(),
    checkpoints: { load: () => Promise.resolve(0n as never), save: () => Promise.resolve() },
    store: { readableHead: () => Promise.resolve(0n as never) },
  });

  it('refuses an SMTP_URL that is not a URL when it is made, not at the first notice', () => {
    expect(() => new DeadlineMailer(options('smtp://mail.laichau.gov.vn:abc'))).toThrow(/SMTP_URL/);
    expect(() => new DeadlineMailer(options('smtp://user:secret@127.0.0.1:2525'))).not.toThrow();
  });
});
