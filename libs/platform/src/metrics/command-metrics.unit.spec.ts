import { CommandMetrics } from './command-metrics.js';
import { MetricsRegistry } from './metrics-registry.js';

async function value(metrics: MetricsRegistry, name: string, labels: Record<string, string>) {
  const metric = metrics.registry.getSingleMetric(name);
  const { values } = await metric!.get();
  const found = values.find((sample) =>
    Object.entries(labels).every(([key, expected]) => String(sample.labels[key]) === expected),
  );
  return found?.value;
}

describe('CommandMetrics', () => {
  it('counts a command by type and outcome, and observes its duration', async () => {
    const registry = new MetricsRegistry();
    const commands = new CommandMetrics(registry);

    commands.commandHandled({
      command: 'AcknowledgeTask',
      outcome: 'ok',
      durationSeconds: 0.004,
      attempts: 1,
    });
    commands.commandHandled({
      command: 'AcknowledgeTask',
      outcome: 'ok',
      durationSeconds: 0.006,
      attempts: 1,
    });
    commands.commandHandled({
      command: 'AcknowledgeTask',
      outcome: 'refused',
      durationSeconds: 0.002,
      attempts: 1,
    });

    const ok = { command: 'AcknowledgeTask', outcome: 'ok' };
    expect(await value(registry, 'coord_commands_total', ok)).toBe(2);
    expect(await value(registry, 'coord_commands_total', { ...ok, outcome: 'refused' })).toBe(1);
    expect(await value(registry, 'coord_command_duration_seconds', { ...ok, le: '0.005' })).toBe(1);
    expect(await value(registry, 'coord_command_duration_seconds', { ...ok, le: '0.01' })).toBe(2);
    expect(await value(registry, 'coord_command_retries_total', {})).toBeUndefined();
  });

  it('counts the attempts beyond the first as retries', async () => {
    const registry = new MetricsRegistry();
    const commands = new CommandMetrics(registry);

    commands.commandHandled({ command: 'RequestHandoff', outcome: 'ok', durationSeconds: 0.01, attempts: 3 });
    commands.commandHandled({
      command: 'RequestHandoff',
      outcome: 'conflict',
      durationSeconds: 0.02,
      attempts: 3,
    });

    expect(await value(registry, 'coord_command_retries_total', { command: 'RequestHandoff' })).toBe(4);
  });

  it('does not turn an unexpected command name into a label value', async () => {
    const registry = new MetricsRegistry();
    const commands = new CommandMetrics(registry);

    commands.commandHandled({ command: 'x"} 1\nevil', outcome: 'error', durationSeconds: 0, attempts: 1 });

    expect(await value(registry, 'coord_commands_total', { command: 'other', outcome: 'error' })).toBe(1);
  });
});
