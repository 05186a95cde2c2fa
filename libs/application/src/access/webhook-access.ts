import { issuingAgencyOf } from '#libs/shared-kernel';
import { ApplicationError } from '../errors.js';
import type { Places, ReadPolicy, Reader } from './access-policy.js';

/**
 * Who connects an agency's own systems to the service (its webhook endpoints: register, rotate a
 * secret, disable, replay dead deliveries): the agency's administrator, and the issuers of a
 * committee the agency answers to (the committee itself, or an agency below it in the
 * directory), as for recording its heads. Reading the endpoints and their deliveries follows the
 * read policy of an agency's work (its officers, those issuers, overseers of its jurisdiction),
 * and the administrators who manage them.
 */
export function mayManageWebhooks(places: Places, reader: Reader, agencyCode: string): boolean {
  if (reader.roles.includes('administrator') && reader.agencyCode === agencyCode) return true;
  return reader.roles.includes('issuer') && places.superiorsOf(agencyCode).includes(issuingAgencyOf(reader));
}

export function mayReadWebhooks(
  policy: ReadPolicy,
  places: Places,
  reader: Reader,
  agencyCode: string,
): boolean {
  return mayManageWebhooks(places, reader, agencyCode) || policy.mayReadAgencyWork(reader, agencyCode);
}

/** The agency is public (the directory): the refusal names nothing else. */
export const webhooksForbidden = (): ApplicationError =>
  new ApplicationError(
    'webhook.forbidden',
    "Only the agency's administrator, or an issuer of a committee it answers to, manages its webhook endpoints.",
  );

export const webhookNotFound = (): ApplicationError =>
  new ApplicationError('webhook.not-found', 'No such webhook endpoint for this agency');
