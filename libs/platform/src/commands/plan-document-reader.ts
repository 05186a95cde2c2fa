import type { AgencyDirectory } from '#libs/agencies';
import type { PlanDocumentReader } from '#libs/application';
import {
  draftPlanDocumentInWorker,
  draftSerialisedPlanDocumentInWorker,
  gunzipChunks,
} from '#libs/plan-intake';

export const DOCX_MEDIA_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

/**
 * Reads .txt and .docx plan documents (mammoth for .docx) and drafts them against the directory,
 * in a worker thread with bounded memory and time: a hostile document never stalls the caller's
 * event loop (libs/plan-intake, `draftPlanDocumentInWorker`). Bytes handed over are moved to the
 * thread rather than copied.
 */
export function planDocumentReader(directory: AgencyDirectory): PlanDocumentReader {
  return {
    draft(bytes, fileName, options = {}) {
      return draftPlanDocumentInWorker(
        { bytes, fileName, mediaType: mediaTypeOf(bytes), handOver: options.handOver ?? false },
        directory,
      );
    },
    draftSerialised(bytes, fileName, options) {
      return draftSerialisedPlanDocumentInWorker(
        {
          bytes,
          fileName,
          mediaType: mediaTypeOf(bytes),
          handOver: options.handOver ?? false,
          withText: options.withText,
        },
        directory,
      );
    },
    draftJson(draft) {
      return gunzipChunks(draft.jsonGzip);
    },
  };
}

/** A .docx is a zip: recognised by its bytes, whatever its name. */
function mediaTypeOf(bytes: Uint8Array): string {
  return bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04
    ? DOCX_MEDIA_TYPE
    : 'text/plain';
}
