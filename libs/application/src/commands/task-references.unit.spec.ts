import { jest } from '@jest/globals';
import { planStreamId } from '#libs/plans';
import {
  fixedSystem,
  InMemoryEventStore,
  InMemoryIdempotencyStore,
} from '../../test/support/in-memory-ports.js';
import { ApplicationError } from '../errors.js';
import { CommandProcessor } from './command-processor.js';
import { TaskReferences } from './task-references.js';

const PLAN = 'plan-laichau-ct28';

function issuedPlan(store: InMemoryEventStore, issuedOn: string | null): void {
  store.write(planStreamId(PLAN), [
    {
      id: 'issued',
      type: 'PlanIssued',
      data: {
        planId: PLAN,
        number: null,
        documentType: 'KH',
        title: 'Kế hoạch thực hiện Chỉ thị số 28-CT/TW',
        issuerAgencyCode: 'lc-ubnd-tinh',
        jurisdiction: 'LC',
        issuedOn,
        period: { fromYear: 2024, toYear: 2030 },
        contentHash: 'sha256:1a2b3c',
        source: { fileName: 'laichau-2024-ct28-kh.txt', mediaType: 'text/plain' },
        byAgency: 'lc-ubnd-tinh',
        indicators: [],
      },
    },
  ]);
}

function references(store: InMemoryEventStore): TaskReferences {
  const commands = new CommandProcessor({
    store,
    idempotency: new InMemoryIdempotencyStore(store),
    system: fixedSystem(),
  });
  return new TaskReferences(commands, { get: () => undefined });
}

async function refusal(promise: Promise<unknown>): Promise<ApplicationError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ApplicationError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('TaskReferences', () => {
  it('sees the number and date the committee records after the issue', async () => {
    const store = new InMemoryEventStore();
    issuedPlan(store, null);
    const plans = references(store);
    expect((await plans.requirePlanIssuedBy(PLAN, 'lc-ubnd-tinh')).issuedOn).toBeNull();

    store.write(planStreamId(PLAN), [
      {
        id: 'registered',
        type: 'PlanRegistered',
        data: { planId: PLAN, number: '1601/KH-UBND', issuedOn: '2024-06-12' },
      },
    ]);
    expect((await plans.requirePlanIssuedBy(PLAN, 'lc-ubnd-tinh')).issuedOn).toBe('2024-06-12');
  });

  it('takes the successor committee as the issuer once a reorganisation passes the plan on', async () => {
    const store = new InMemoryEventStore();
    issuedPlan(store, '2024-06-12');
    const plans = references(store);
    await plans.requirePlanIssuedBy(PLAN, 'lc-ubnd-tinh');

    store.write(planStreamId(PLAN), [
      {
        id: 'passed',
        type: 'PlanPassedToSuccessor',
        data: {
          planId: PLAN,
          fromIssuer: 'lc-ubnd-tinh',
          toIssuer: 'lc-ubnd-tinh-moi',
          effectiveDate: '2025-07-01',
          reason: 'responsibility passed by decision N of D, effective 2025-07-01',
          reorganisationId: 'r',
        },
      },
    ]);
    expect((await plans.requirePlanIssuedBy(PLAN, 'lc-ubnd-tinh-moi')).issuerAgencyCode).toBe(
      'lc-ubnd-tinh-moi',
    );
    expect((await refusal(plans.requirePlanIssuedBy(PLAN, 'lc-ubnd-tinh'))).code).toBe('validation');
  });

  it('reads only what was appended since it last looked', async () => {
    const store = new InMemoryEventStore();
    issuedPlan(store, '2024-06-12');
    const plans = references(store);
    await plans.requirePlanIssuedBy(PLAN, 'lc-ubnd-tinh');
    const read = jest.spyOn(store, 'readStream');
    await plans.requirePlanIssuedBy(PLAN, 'lc-ubnd-tinh');
    expect(read).toHaveBeenCalledWith(planStreamId(PLAN), 2);
  });

  it('answers a plan nobody issued as no plan of the committee', async () => {
    const plans = references(new InMemoryEventStore());
    const refused = await refusal(plans.requirePlanIssuedBy(PLAN, 'lc-ubnd-tinh'));
    expect(refused.code).toBe('validation');
  });
});
