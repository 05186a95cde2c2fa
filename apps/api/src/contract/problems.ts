import { applyDecorators } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';

/**
 * Every problem `code` the API answers, with its status and an example detail. An operation lists
 * the codes it can answer with @ApiProblems(...); the document builder (openapi-document.ts) turns
 * them into problem+json responses, adds those every operation shares, and the e2e harness fails a
 * test on a code its operation does not list.
 */
export const PROBLEM_CODES = {
  'bad-request': [400, 'Body is not valid JSON'],
  'bad-url': [400, 'The request path is not a valid URL (a malformed percent-encoding?)'],
  'feed.invalid-last-event-id': [400, 'Last-Event-ID must be a position the feed sent'],
  'feed.unknown-position': [400, 'The position is past the end of the log'],
  unauthenticated: [401, 'A bearer token is required'],
  forbidden: [403, 'Your roles do not allow this operation'],
  'agency.dissolved': [403, 'lc-so-x ceased to exist on 2025-07-01; its tokens may read, not act'],
  'agency.forbidden': [403, 'Only the agency itself or its issuer may do this'],
  'calendar.forbidden': [403, 'Only a provincial issuer may amend the calendar'],
  'feed.forbidden': [403, 'Only the agency itself may read its feed'],
  'ledger.forbidden': [403, 'The ledger is read by auditors and operators'],
  'plan.forbidden': [403, 'Only the issuing committee may do this'],
  'task.forbidden': [403, 'Only the issuer of the task may do this'],
  'task.not-assignee': [403, 'The agency is not an assignee of the task'],
  'webhook.forbidden': [403, "Only the agency's administrator or its issuer may manage its webhooks"],
  'not-found': [404, 'No route answers this path'],
  'agency.not-found': [404, 'No agency has the code lc-so-x'],
  'draft.not-found': [404, 'No draft has this id'],
  'event.not-found': [404, 'No such event'],
  'extension.not-found': [404, 'No extension request has this id on the task'],
  'handoff.not-found': [404, 'No handoff has this id on the task'],
  'ledger.event-not-in-ledger': [404, 'The ledger has no such event (yet)'],
  'ledger.no-checkpoint': [404, 'No checkpoint has been signed yet'],
  'ledger.no-tile': [404, 'No such tile (yet)'],
  'plan.not-found': [404, 'No such plan'],
  'task.not-found': [404, 'No such task'],
  'webhook.not-found': [404, 'No such webhook endpoint'],
  'agency.head-conflict': [409, 'The term overlaps another head of the agency'],
  'completion.none-submitted': [409, 'No completion is waiting for a decision'],
  'completion.pending': [409, 'A completion is already waiting for a decision'],
  'concurrency-conflict': [409, 'The stream changed meanwhile; retry after Retry-After seconds'],
  'draft.confirmed-differently': [409, 'The draft was confirmed with other choices'],
  'extension.already-exists': [409, 'An extension request with this id exists'],
  'extension.none-pending': [409, 'The extension request is no longer pending'],
  'extension.pending': [409, 'An extension request is already pending'],
  'handoff.already-exists': [409, 'A handoff with this id exists'],
  'handoff.invalid-target': [409, 'The receiving agency already holds the task'],
  'handoff.pending': [409, 'A handoff of this assignment is already pending'],
  'handoff.stale': [409, 'The handoff is no longer pending'],
  'plan.already-issued': [409, 'A plan with this content is already issued'],
  'plan.already-registered': [409, 'The plan is already registered'],
  'task.already-exists': [409, 'A task with this id exists'],
  'task.closed': [409, 'The task is completed or cancelled'],
  'task.invalid-state': [409, 'The task is not in a state that allows this'],
  'task.invalid-target': [409, 'The agency already holds an assignment of the task'],
  'payload-too-large': [413, 'The request body is larger than the API accepts'],
  'docx-too-large': [413, 'The .docx inflates past what the reader accepts'],
  'document-too-long': [413, 'The document holds more text than a plan may'],
  'uri-too-long': [414, 'A part of the request path is longer than the API accepts'],
  'unsupported-media-type': [415, 'The body must be application/json'],
  validation: [422, 'Some fields are missing or wrong; see errors'],
  'empty-document': [422, 'The document is empty: there is no text to read'],
  'not-text': [422, 'The document is binary data, or bytes that are not valid UTF-8'],
  'unsupported-format': [422, 'A format the reader does not read (legacy .doc, PDF)'],
  'unreadable-docx': [422, 'The .docx text could not be extracted'],
  'docx-too-many-entries': [422, 'The .docx archive holds more files than the reader accepts'],
  'docx-compression-ratio': [422, 'The .docx holds a file compressed past the accepted ratio'],
  'document-too-complex': [422, 'Reading the document took more time or memory than the reader is given'],
  'not-a-plan': [422, 'The text is not a plan (see reasons)'],
  'invalid-utf8': [422, 'The body is not valid UTF-8 text'],
  'json-too-deep': [422, 'The body nests objects and arrays more than 32 levels deep'],
  'json-array-too-long': [422, 'An array of the body is longer than the API accepts'],
  'json-object-too-large': [422, 'An object of the body has more members than the API accepts'],
  'json-too-many-values': [422, 'The body holds more values than the API accepts'],
  'draft.needs-review': [422, 'Some items of the draft need a decision; see errors'],
  'extension.not-later': [422, 'The new due date must be later than the current one'],
  'idempotency-key-reused': [422, 'The Idempotency-Key was used with another request'],
  'rate-limited': [429, 'Too many requests; retry after Retry-After seconds'],
  'headers-too-large': [431, 'The request line and headers are larger than the API accepts'],
  internal: [500, 'The service could not complete the request; it has been logged'],
  'database-unavailable': [503, 'The database cannot be reached right now'],
  'intake-busy': [503, 'Documents are being read; try again shortly'],
  'projection-behind': [503, 'The read model has not reached minPosition yet'],
  'read-audit-unavailable': [503, 'Reads cannot be recorded right now, so none is answered'],
} as const satisfies Record<string, readonly [number, string]>;

export type ProblemCode = keyof typeof PROBLEM_CODES;

/** The extension the document builder reads (and removes) to write an operation's problems. */
export const PROBLEMS_EXTENSION = 'x-problem-codes';

/** Set by @AuditedRead: the read is recorded before it is answered, or refused with 503. */
export const AUDITED_READ_EXTENSION = 'x-audited-read';

/**
 * The problem codes an operation can answer besides those all operations share (see
 * sharedProblems in openapi-document.ts), in one line: @ApiProblems('task.not-found', 'task.closed').
 */
export function ApiProblems(...codes: readonly ProblemCode[]): MethodDecorator & ClassDecorator {
  return applyDecorators(ApiExtension(PROBLEMS_EXTENSION, [...codes]));
}
