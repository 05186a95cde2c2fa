import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { loadConfig } from '#libs/platform';
import { createApiApplication } from '../src/bootstrap.js';

const officer = { authorization: 'Bearer demo.officer.lc-so-y-te' };

describe('the agency directory over HTTP', () => {
  let app: INestApplication;
  let url: string;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'coord-agencies-'));
    app = await createApiApplication(
      loadConfig({ LOG_LEVEL: 'silent', DATA_DIR: dataDir, SEED_PLANS: 'false' }),
    );
    await app.listen(0, '127.0.0.1');
    url = await app.getUrl();
  });

  afterAll(async () => {
    await app.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  async function get(path: string) {
    const response = await fetch(`${url}${path}`, { headers: officer });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  it('lists the agencies of both seed plans', async () => {
    const { status, body } = await get('/agencies?limit=500&count=true');
    expect(status).toBe(200);
    const codes = (body.items as { code: string }[]).map((a) => a.code);
    expect(codes).toEqual(
      expect.arrayContaining(['lc-so-ldtbxh', 'lc-mttq', 'lsc-phong-ldtbxh', 'lsc-ubnd-phuong-chi-lang']),
    );
    expect(body.total).toBe(codes.length);
  });

  it('finds Sở Lao động - Thương binh và Xã hội from "so lao dong", without diacritics', async () => {
    const { body } = await get(`/agencies?q=${encodeURIComponent('so lao dong')}&jurisdiction=lai-chau`);
    expect((body.items as { code: string }[])[0]?.code).toBe('lc-so-ldtbxh');
  });

  it('finds the same agency from a decomposed (NFD) query', async () => {
    const { body } = await get(
      `/agencies?q=${encodeURIComponent('Sở Y tế'.normalize('NFD'))}&jurisdiction=lai-chau`,
    );
    expect((body.items as { code: string }[])[0]?.code).toBe('lc-so-y-te');
  });

  it('filters by level', async () => {
    const { body } = await get('/agencies?jurisdiction=lang-son-city&level=commune&count=true');
    const levels = new Set((body.items as { level: string }[]).map((a) => a.level));
    expect([...levels]).toEqual(['commune']);
    expect(body.total).toBe(8);
  });

  it('refuses a jurisdiction the directory does not know, with or without a search, naming the parameter', async () => {
    for (const path of [
      '/agencies?jurisdiction=no-such-place',
      '/agencies?q=so%20y%20te&jurisdiction=no-such-place',
    ]) {
      const { status, body } = await get(path);
      expect(status).toBe(422);
      expect(body).toMatchObject({ code: 'validation' });
      expect(body.errors).toEqual([
        expect.objectContaining({ pointer: '/jurisdiction', parameter: 'jurisdiction' }),
      ]);
    }
  });

  it('shows one agency with the groups it belongs to', async () => {
    const { status, body } = await get('/agencies/lc-ubnd-huyen-tam-duong');
    expect(status).toBe(200);
    expect(body).toMatchObject({ code: 'lc-ubnd-huyen-tam-duong', level: 'district' });
    // Read from the directory's events (the shipped seed file): it exists, no one succeeded it.
    expect(body).toMatchObject({ successors: [], succession: null });
    expect((body.groups as { code: string }[]).map((g) => g.code)).toContain('lc-ubnd-cac-huyen-thanh-pho');
  });

  it('answers an unknown code with 404 problem+json', async () => {
    const { status, body } = await get('/agencies/lc-nowhere');
    expect(status).toBe(404);
    expect(body).toMatchObject({ code: 'agency.not-found' });
  });

  it('refuses an unknown query parameter with a pointer to it', async () => {
    const { status, body } = await get('/agencies?colour=red');
    expect(status).toBe(422);
    expect(body.errors).toEqual([expect.objectContaining({ pointer: '/colour' })]);
  });
});
