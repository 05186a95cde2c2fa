import { AGENCY_CODE_PATTERN } from '#libs/agencies';

/** Formats request fields share, with the messages a client sees when a value does not fit. */
export const AGENCY_CODE = AGENCY_CODE_PATTERN;
export const CALENDAR_DATE = /^\d{4}-\d{2}-\d{2}$/;
export const agencyCodeMessage = 'must be an agency code such as lc-so-ldtbxh';
export const dateMessage = 'must be a date YYYY-MM-DD (Asia/Ho_Chi_Minh)';
