import { randomUUID } from 'node:crypto';
import { startApi, type ApiHarness } from '../../../test/support/api-harness.js';
import { scrape, scrapeUntil, type Scrape } from '../../../test/support/prometheus.js';
import { SseConnection } from '../../../test/support/sse.js';
import { assignmentBody } from '../../../test/support/task-bodies.js';

const ISSUER = 'demo.issuer.lc-ubnd-tinh';
const LEAD = 'lc-so-ldtbxh';
const OTHER = 'lc-so-y-te';

const PROJECTIONS = [
  'plans',
  'tasks',
  'responsibilities',
  'outstanding-tasks',
  'task-trail',
  'plan-progress',
  'agency-tasks',
  'agency-intervals',
  'deadline-timers',
];

/** GET /metrics of the API on the embedded database, which also runs the projections. */
describe('the API metrics', () => {
  let api: ApiHarness;
  let taskId: string;
  let lastPosition: string;

  beforeAll(async () => {
    api = await startApi('pglite');
    taskId = randomUUID();
    const assigned = await api.request(
      'POST',
      '/tasks',
      ISSUER,
      assignmentBody(await api.plan(), taskId, [{ agencyCode: LEAD, role: 'lead' }]),
    );
    expect(assigned.status).toBe(201);
    const acknowledged = await api.request(
      'POST',
      `/tasks/${taskId}/acknowledge`,
      `demo.officer.${LEAD}`,
      {},
    );
    expect(acknowledged.status).toBe(200);
    lastPosition = acknowledged.body.position as string;
    // Nothing left to acknowledge: a command that writes nothing.
    const again = await api.request('POST', `/tasks/${taskId}/acknowledge`, `demo.officer.${LEAD}`, {});
    expect(again.status).toBe(200);
    expect(again.body.events).toEqual([]);
    // Another agency is not an assignee: refused.
    const refused = await api.request('POST', `/tasks/${taskId}/acknowledge`, `demo.officer.${OTHER}`, {});
    expect(refused.status).toBeGreaterThanOrEqual(400);
    expect(refused.status).toBeLessThan(500);
  });

  afterAll(async () => {
    await api.close();
  });

  it('answers without a token, in the Prometheus text format 0.0.4', async () => {
    const response = await fetch(`${api.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(await response.text()).toContain('# TYPE coord_commands_total counter');
  });

  it('counts commands and their latency by command type and outcome', async () => {
    const metrics = await scrape(`${api.url}/metrics`);
    expect(
      metrics.value('coord_commands_total', { command: 'AssignTask', outcome: 'ok' }),
    ).toBeGreaterThanOrEqual(1);
    // The plan the harness issued went through the same bus.
    expect(metrics.value('coord_commands_total', { command: 'IssuePlan', outcome: 'ok' })).toBe(1);
    expect(metrics.value('coord_commands_total', { command: 'AcknowledgeTask', outcome: 'ok' })).toBe(1);
    expect(metrics.value('coord_commands_total', { command: 'AcknowledgeTask', outcome: 'no-op' })).toBe(1);
    expect(metrics.value('coord_commands_total', { command: 'AcknowledgeTask', outcome: 'refused' })).toBe(1);

    const okLatency = { command: 'AcknowledgeTask', outcome: 'ok' };
    expect(metrics.types.get('coord_command_duration_seconds')).toBe('histogram');
    expect(metrics.value('coord_command_duration_seconds_count', okLatency)).toBe(1);
    expect(metrics.value('coord_command_duration_seconds_sum', okLatency)).toBeGreaterThan(0);
    expect(metrics.value('coord_command_duration_seconds_bucket', { ...okLatency, le: '+Inf' })).toBe(1);
  });

  it('shows how many appends and events each group commit wrote', async () => {
    const metrics = await scrape(`${api.url}/metrics`);
    // The assignment and the acknowledgement, each in some batch. (The plan was confirmed under an
    // Idempotency-Key: written inside the transaction that keeps its answer, which is not batched.)
    const batches = metrics.value('coord_append_batch_appends_count');
    expect(batches).toBeGreaterThanOrEqual(1);
    expect(metrics.value('coord_append_batch_appends_sum')).toBe(2);
    expect(metrics.value('coord_append_batch_events_sum')).toBeGreaterThanOrEqual(
      metrics.value('coord_append_batch_appends_sum'),
    );
    expect(metrics.value('coord_append_batch_events_count')).toBe(batches);
  });

  it('reports every projection caught up, in positions and in seconds', async () => {
    // Once the projections have the last write, nothing is behind.
    const read = await api.request(
      'GET',
      `/agencies/${LEAD}/outstanding?minPosition=${lastPosition}`,
      `demo.officer.${LEAD}`,
    );
    expect(read.status).toBe(200);
    const metrics = await scrape(`${api.url}/metrics`);
    for (const projection of PROJECTIONS) {
      expect(metrics.value('coord_projection_lag_positions', { projection })).toBe(0);
      expect(metrics.value('coord_projection_lag_seconds', { projection })).toBe(0);
    }
    // No NATS configured, so no publisher and no NATS connection to report.
    expect(metrics.find('coord_publisher_lag_positions')).toEqual([]);
    expect(metrics.find('coord_nats_connected')).toEqual([]);
  });

  it('counts the agency feeds open on this process', async () => {
    const clients = (metrics: Scrape) => metrics.value('coord_sse_clients');
    expect(clients(await scrape(`${api.url}/metrics`))).toBe(0);
    const opened = await SseConnection.open(`${api.url}/agencies/${LEAD}/feed`, {
      authorization: `Bearer demo.officer.${LEAD}`,
    });
    expect(opened.status).toBe(200);
    try {
      expect(clients(await scrape(`${api.url}/metrics`))).toBe(1);
    } finally {
      opened.connection!.close();
    }
    await scrapeUntil(`${api.url}/metrics`, (metrics) => clients(metrics) === 0, 'coord_sse_clients');
  });

  it('times HTTP requests by route template, and exposes the process metrics', async () => {
    const metrics = await scrape(`${api.url}/metrics`);
    expect(
      metrics.value('coord_http_request_duration_seconds_count', {
        method: 'POST',
        route: '/tasks/:taskId/acknowledge',
        status_code: '200',
      }),
    ).toBe(2);
    // Ids never become labels.
    expect(
      metrics.samples.some((sample) => Object.values(sample.labels).some((v) => v.includes(taskId))),
    ).toBe(false);
    expect(metrics.find('process_cpu_user_seconds_total')).toHaveLength(1);
    expect(metrics.find('process_resident_memory_bytes')).toHaveLength(1);
    expect(metrics.find('nodejs_eventloop_lag_seconds')).toHaveLength(1);
  });

  it('answers /health/live and /health/ready without a token', async () => {
    const live = await fetch(`${api.url}/health/live`);
    expect(live.status).toBe(200);
    expect(await live.json()).toMatchObject({ status: 'ok' });
    const ready = await fetch(`${api.url}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ok' });
  });

  it('describes /metrics and the probes in the OpenAPI document', async () => {
    const document = (await (await fetch(`${api.url}/docs-json`)).json()) as {
      paths: Record<string, { get?: { tags?: string[] } }>;
    };
    for (const path of ['/metrics', '/health', '/health/live', '/health/ready'])
      expect(document.paths[path]?.get?.tags).toEqual(['operations']);
  });
});
