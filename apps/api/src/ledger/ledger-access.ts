import { mayReadLedger } from '#libs/application';
import { problemType, ProblemError, type Principal } from '#libs/platform';

/** 403 unless the caller is a national auditor: the ledger and the raw event log are theirs. */
export function assertMayReadLedger(principal: Principal): void {
  if (mayReadLedger(principal)) return;
  throw new ProblemError({
    type: problemType('ledger.forbidden'),
    title: 'Not allowed',
    status: 403,
    code: 'ledger.forbidden',
    detail:
      "The ledger, its proofs and the event log hold every province's events: they are read by auditors with a national token only.",
  });
}
