import { randomInt } from 'node:crypto';
import type { ApiHarness } from './api-harness.js';

/**
 * Issues a small plan of the committee that `issuerToken` (a demo issuer token) issues for,
 * through the real intake (import, then confirm with its one drafted task left out), and returns
 * its id. Each call issues a new plan, so the tests that use it start from their own plan with
 * no tasks; `POST /tasks` only accepts tasks of an issued plan.
 */
export async function issueTestPlan(
  api: Pick<ApiHarness, 'request'>,
  issuerToken = 'demo.issuer.lc-ubnd-tinh',
): Promise<string> {
  const issuerAgencyCode = issuerToken.replace(/^demo\.issuer\./, '');
  const number = randomInt(1, 1_000_000_000);
  const text = [
    'ỦY BAN NHÂN DÂN',
    'TỈNH LAI CHÂU',
    '',
    `Số: ${number}/KH-UBND`,
    '',
    'Lai Châu, ngày 3 tháng 6 năm 2024',
    '',
    'KẾ HOẠCH',
    '',
    `Phối hợp bảo vệ trẻ em năm 2024 (kiểm thử ${number})`,
    '',
    'I. TỔ CHỨC THỰC HIỆN',
    '',
    '1. Sở Lao động - Thương binh và Xã hội',
    '',
    'Chủ trì rà soát trẻ em có hoàn cảnh đặc biệt.',
    '',
  ].join('\n');
  const imported = await api.request('POST', '/plans/import', issuerToken, {
    fileName: `kh-${number}.txt`,
    contentBase64: Buffer.from(text, 'utf8').toString('base64'),
  });
  if (imported.status !== 201) {
    throw new Error(`importing a test plan answered ${imported.status}: ${JSON.stringify(imported.body)}`);
  }
  const draft = imported.body as { draftId: string; planId: string; tasks: { taskId: string }[] };
  const confirmed = await api.request('POST', `/plans/drafts/${draft.draftId}/confirm`, issuerToken, {
    plan: { issuerAgencyCode },
    tasks: draft.tasks.map(({ taskId }) => ({ taskId, exclude: true })),
  });
  if (confirmed.status !== 201 && confirmed.status !== 200) {
    throw new Error(`issuing a test plan answered ${confirmed.status}: ${JSON.stringify(confirmed.body)}`);
  }
  return draft.planId;
}
