import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * A process's last log lines, as the API and the worker write them before they exit: in order and
 * all of them. The built platform library logs from a child process whose one libuv thread is
 * busy, which is where a logger that writes from that thread left its first line behind.
 */
describe('the log at exit', () => {
  it('writes every line, in order, before process.exit', () => {
    const platform = pathToFileURL(resolve('dist/libs/platform/src/index.js')).href;
    const script = `
      import 'reflect-metadata';
      import { pbkdf2 } from 'node:crypto';
      import { NestFactory } from '@nestjs/core';
      import { loggingModule, PinoLoggerService } from '${platform}';
      const app = await NestFactory.createApplicationContext(loggingModule({ logLevel: 'info' }, 'probe'), { logger: false });
      const logger = app.get(PinoLoggerService);
      pbkdf2('password', 'salt', 2_000_000, 32, 'sha256', () => undefined);
      for (let line = 1; line <= 3; line += 1) logger.log('line ' + line, 'Probe');
      process.exit(0);
    `;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      env: { ...process.env, UV_THREADPOOL_SIZE: '1' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(child.stderr).toBe('');
    expect(child.status).toBe(0);
    const lines = child.stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { msg: string });
    expect(lines.map((line) => line.msg)).toEqual(['line 1', 'line 2', 'line 3']);
  });
});
