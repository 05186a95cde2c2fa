/**
 * The request bodies the contract shows for the task's commands: one task of Lai Châu's seed plan,
 * from its assignment to the acceptance of its completion. The README's walkthrough sends these
 * very bodies (its ids are the ones the earlier answers give), and a test runs it against the
 * embedded default and checks each body against the example here.
 */
const LAI_CHAU_SEED_PLAN = '890fd4bf-5c1b-5e2d-b1c4-1dadaf94cf50';

/** An operation's request examples, as OpenAPI's `examples` of its JSON body. */
export type BodyExamples = Readonly<Record<string, { summary: string; value: Record<string, unknown> }>>;

function examples(summary: string, value: Record<string, unknown>): BodyExamples {
  return { walkthrough: { summary, value } };
}

export const TASK_COMMAND_EXAMPLES = {
  assign: examples('A duty of the plan, led by Sở LĐTBXH', {
    planId: LAI_CHAU_SEED_PLAN,
    title: 'Xây dựng điểm vui chơi cho trẻ em tại các xã, phường',
    duty: 'Chủ trì, phối hợp với UBND các huyện, thành phố xây dựng điểm văn hóa, vui chơi dành cho trẻ em',
    sourceClause: { section: 'II.2', start: 0, end: 120 },
    dueDate: '2027-11-30',
    assignees: [{ agencyCode: 'lc-so-ldtbxh', role: 'lead' }],
  }),
  progress: examples("Progress, with a value of one of the plan's indicators", {
    text: 'Đã khảo sát 106 xã, phường, thị trấn; 28 nơi đã có điểm vui chơi cho trẻ em',
    indicatorValues: [{ indicator: 'chi-tieu-2', value: 26.4, unit: 'percent' }],
  }),
  requestHandoff: examples('Hand the lead to another agency', {
    toAgency: 'lc-so-vhttdl',
    reason: 'Xây dựng điểm vui chơi cho trẻ em thuộc chức năng của Sở Văn hóa, Thể thao và Du lịch',
  }),
  acceptHandoff: examples('The receiving agency takes it over', {
    reason: 'Sở Văn hóa, Thể thao và Du lịch nhận chủ trì thực hiện',
  }),
  requestExtension: examples('A later due date, and why', {
    dueDate: '2027-12-31',
    reason: 'Chờ kinh phí năm 2027 để hoàn thành các điểm vui chơi còn lại',
  }),
  grantExtension: examples('The issuer grants it', { reason: 'Đồng ý gia hạn đến hết năm 2027' }),
  submitCompletion: examples('The completion report', {
    report: 'Đã xây dựng điểm vui chơi tại 32 xã, phường, thị trấn (30,2%), đạt chỉ tiêu của Kế hoạch',
  }),
  acceptCompletion: examples("The issuer accepts the assignee's completion", {
    agencyCode: 'lc-so-vhttdl',
    reason: 'Kết quả đạt chỉ tiêu của Kế hoạch',
  }),
} as const satisfies Record<string, BodyExamples>;
