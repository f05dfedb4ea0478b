/**
 * The figures about the staff's workload: open cases held (now, from the open cases' scan), actions a
 * day and the time from an assignment to the first action on it, per member of staff (from the
 * facts' sums over the range).
 */
import { DAY_MS } from '../../workflows/domain/time';
import type { OpenCases } from './cases';
import { counted, medians, share, type FactsOf, type FigureRange, type Figures } from './rows';

type AgentFigures = Pick<Figures, 'agent_open_cases' | 'agent_actions_per_day' | 'agent_first_action_hours'>;

export function agentFigures(range: FigureRange, open: OpenCases, facts: FactsOf): AgentFigures {
  const rangeDays = (range.to.getTime() - range.from.getTime()) / DAY_MS;
  const actions = counted(
    facts('staff_action'),
    (r) => ({ agent: r.detail }),
    (r) => r.count,
  );
  return {
    agent_open_cases: counted(
      open.filter((r) => r.assignee !== null),
      (r) => ({ agent: r.assignee! }),
      (r) => r.cases,
    ),
    agent_actions_per_day: actions.map((a) => ({ group: a.group, ...share(a.value!, rangeDays) })),
    agent_first_action_hours: medians(
      facts('first_action').map((r) => ({ group: { agent: r.detail }, values: r.values })),
    ),
  };
}
