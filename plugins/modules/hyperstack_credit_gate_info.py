#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: hyperstack_credit_gate_info
short_description: The Hyperstack credit gate's verdict, in one task
version_added: 1.3.0
description:
  - The verdict of the role P(nexgencloud.hyperstack.credit_gate#role), without the role - whether the
    organization's credit passes each condition, with one reason per condition it fails. It never fails
    on a verdict (the role does, with the reasons); it fails when the API cannot be read or an option is wrong.
  - It reads the credit (C(GET /billing/user-credit/credit)); the previous day's cost
    (C(GET /billing/billing/last-day-cost)) only when O(min_runway_days) is set; and, with a plan
    (O(plan) or O(terraform_plan)), what M(nexgencloud.hyperstack.hyperstack_deployment_cost_info) reads
    to price it. The reads are made at once, each on a thread with a connection of its own.
  - The conditions - the headroom (credit - threshold) is at least O(min_headroom); the headroom lasts
    O(min_runway_days) at the previous day's cost; the API's C(can_create_instance) is not false (with
    O(require_can_create_instance)); the headroom covers what runs, less what the plan destroys, plus the
    plan, for O(hours) with the margin; no planned flavor is out of stock (with O(require_stock)); the
    month's forecast is within O(monthly_budget) (when it is given); the plan's net change (what it creates
    less what it destroys) is at most O(max_added_cost_per_hour) an hour and at most O(max_added_percent) of
    what runs now (when they are given, and there is a plan).
  - All money is computed on decimals as the API wrote the numbers, and worded as C($1,234.50).
options:
  min_headroom:
    description:
      - The least headroom (credit minus threshold), in US dollars.
      - V(0), the default, fails a headroom below 0 (a credit below the threshold); a negative value lets the
        headroom go that far below 0.
    type: float
    default: 0.0
  min_runway_days:
    description:
      - The least number of days the headroom must last at the previous day's total cost, more than 0. Not set
        (the default), there is no runway condition and the previous day's cost is not read.
      - V(0) or less is refused, naming what to do instead (leave it unset); before 1.4.0 it turned the
        condition off. As for every number of the gate, not set is off and a number is the line itself.
      - With no spend on the previous day the runway is unlimited (null) and the condition passes.
    type: float
  require_can_create_instance:
    description: Fail the verdict when the API says no instance can be created now; when it does not say, this passes.
    type: bool
    default: true
  require_stock:
    description: Fail the verdict when a planned flavor is out of stock.
    type: bool
    default: true
seealso:
  - module: nexgencloud.hyperstack.hyperstack_deployment_cost_info
  - module: nexgencloud.hyperstack.hyperstack_credit_info
  - module: nexgencloud.hyperstack.hyperstack_last_day_cost_info
author:
  - NexGen Cloud Hyperstack collection team (@nexgencloud)
extends_documentation_fragment:
  - nexgencloud.hyperstack.plan
  - nexgencloud.hyperstack.payments
  - nexgencloud.hyperstack.api
attributes:
  check_mode:
    support: full
    description: Only reads; runs the same in check mode.
  diff_mode:
    support: none
    description: Changes nothing, so there is nothing to diff.
"""

EXAMPLES = r"""
- name: The gate's verdict on $100 of headroom, a week of runway and a plan (key from HYPERSTACK_API_KEY)
  nexgencloud.hyperstack.hyperstack_credit_gate_info:
    min_headroom: 100
    min_runway_days: 7
    region: CANADA-1
    plan:
      - {flavor: n3-A100x1, count: 2}
  register: gate

- name: Stop, with every reason
  ansible.builtin.fail:
    msg: "{{ gate.hyperstack_credit_gate_info.reasons | join('; ') }}"
  when: not gate.hyperstack_credit_gate_info.passed
"""

RETURN = r"""
hyperstack_credit_gate_info:
  description:
    - The verdict and its numbers; with a plan, also every field of the result of
      M(nexgencloud.hyperstack.hyperstack_deployment_cost_info) (C(required), C(covered), C(breakdown), ...).
    - The role P(nexgencloud.hyperstack.credit_gate#role) sets it as the fact C(hyperstack_credit_gate).
  returned: success
  type: dict
  contains:
    credit:
      description: The organization's credit balance, in US dollars.
      type: float
      sample: 420.0
    threshold:
      description: The credit threshold below which resources are suspended.
      type: float
      sample: 0.0
    headroom:
      description: Credit minus threshold; may be negative.
      type: float
      sample: 420.0
    can_create_instance:
      description: What the API says about creating instances now; null when it does not say.
      type: bool
      sample: true
    daily_cost:
      description: The previous day's total cost; null when O(min_runway_days) is not set.
      type: float
      sample: 100.0
    runway_days:
      description:
        - Headroom / daily_cost; null when no runway was asked for, or nothing was spent (unlimited).
        - With O(count_auto_topup), the top-ups counted are in the headroom; with O(runway_contracts), the burn rises at
          each running contract's end (the runway across it), as the reason says.
      type: float
      sample: 4.2
    month_to_date:
      description: What the organization spent this calendar month (UTC) so far; null without O(monthly_budget).
      type: float
      returned: with O(monthly_budget) or a plan
      version_added: 1.3.0
      sample: 1900.0
    month_forecast:
      description: The month's forecast (see O(monthly_budget)); null without O(monthly_budget).
      type: float
      returned: with O(monthly_budget) or a plan
      version_added: 1.3.0
      sample: 3224.8
    monthly_budget:
      description: O(monthly_budget), or null.
      type: float
      returned: with O(monthly_budget) or a plan
      version_added: 1.3.0
      sample: 2000.0
    within_budget:
      description: Whether C(month_forecast) is within O(monthly_budget); null without it.
      type: bool
      returned: with O(monthly_budget) or a plan
      version_added: 1.3.0
      sample: false
    budget_summary:
      description: The budget's verdict in one line, whichever way it goes; null without O(monthly_budget).
      type: str
      returned: with O(monthly_budget) or a plan
      version_added: 1.3.0
      sample: >-
        the month's forecast $3,224.80 ($1,900.00 spent, $1.80/h running and $1.35/h planned for the 24 h of 718 h left)
        is more than the monthly budget $2,000.00
    added_cost_per_hour:
      description: With a plan, the net change per hour, as M(nexgencloud.hyperstack.hyperstack_deployment_cost_info) returns it.
      type: float
      returned: with a plan
      version_added: 1.3.0
      sample: 2.7
    added_percent:
      description: With a plan, the net change as a percent of what runs now; null when nothing runs now (undefined).
      type: float
      returned: with a plan
      version_added: 1.3.0
      sample: 191.48936170212767
    within_limits:
      description: With a plan, whether the net change is within O(max_added_cost_per_hour) and O(max_added_percent); null without them.
      type: bool
      returned: with a plan
      version_added: 1.3.0
      sample: false
    limits:
      description:
        - With a plan, one entry per limit given (C(name), C(limit), C(value), C(within), C(summary)), as
          M(nexgencloud.hyperstack.hyperstack_deployment_cost_info) returns them; each not within is one of RV(hyperstack_credit_gate_info.reasons).
      type: list
      elements: dict
      returned: with a plan
      version_added: 1.3.0
      sample: [{name: added_cost, limit: 2.0, value: 2.7, within: false, summary: "the plan adds $2.70/h, more than the $2.00/h allowed"}]
    report:
      description:
        - The verdict in Markdown, for a CI job summary or a merge-request comment - with a plan, a table of its
          items (name or address, count, price an hour, hours, cost), what it destroys, what runs now, the net
          change and the total; the credit; the runway, the budget and the limits when asked for; and the
          verdict with each reason. Money as C($1,234.50).
        - Not in the fact of a gate that could not decide (RV(hyperstack_credit_gate_info.error) says why).
      type: str
      returned: success
      version_added: 1.3.0
      sample: |-
        ### Hyperstack credit gate: failed

        No plan: the credit alone is judged.
        - **Credit:** $420.00 (threshold $0.00, headroom $420.00)
        - **Runway:** 4.2 days at $100.00/day

        **Verdict: failed, 1 reason**

        - runway 4.2 days is below the required 7 (headroom $420.00 at $100.00/day)
    auto_topup:
      description:
        - With O(count_auto_topup) above 0, the organization's auto top-up as read - C(status) (C(active), C(disabled),
          C(pending_setup), C(cancelled) or null), C(threshold_amount), C(topup_amount), C(last_payment) (the newest
          top-up payment - C(payment_id), C(amount), C(status), C(attempt_number), C(max_attempts), C(created_at) - or null),
          C(countable) (whether its top-ups were counted) and C(why_not) (why not, or null).
        - Not in the fact with O(count_auto_topup) at 0, the default - nothing of it is read then.
      type: dict
      returned: when count_auto_topup is above 0
      version_added: 1.4.0
      sample:
        status: active
        threshold_amount: 100.0
        topup_amount: 50.0
        last_payment: {payment_id: pi-1002, amount: 50.0, status: failed, attempt_number: 3, max_attempts: 3, created_at: "2026-12-07T09:00:00+00:00"}
        countable: false
        why_not: the last top-up payment of $50.00 is failed (attempt 3 of 3), not paid
    contract_cover:
      description:
        - With O(runway_contracts) and a plan, each planned flavor a running contract's discount covers - C(flavor),
          C(contract_id), C(remaining_count) (how many more machines of it the contract covers) and C(end_date). The
          plan is priced at the price list's C(value) all the same (the organization's price, never discounted twice).
      type: list
      elements: dict
      returned: with runway_contracts and a plan
      version_added: 1.4.0
      sample: [{flavor: n3-A100x8, contract_id: 12, remaining_count: 2, end_date: "2026-12-31T00:00:00+00:00"}]
    passed:
      description: Whether every condition passed.
      type: bool
      sample: false
    reasons:
      description: One line per failed condition, with its numbers; empty when the gate passed.
      type: list
      elements: str
      sample: ["runway 4.2 days is below the required 7 (headroom $420.00 at $100.00/day)"]
    error:
      description: Null here; the role sets it to the failure's message when the API could not be read.
      type: str
      sample: null
status_code:
  description: The HTTP status of the API's answer, when the task failed on an HTTP error.
  returned: failure, when there was an HTTP answer
  type: int
  sample: 401
"""

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._module import HyperstackModule, run_module
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._options import GATE_OPTIONS, PAYMENT_OPTIONS
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._plan import PLAN_OPTIONS
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._tasks import credit_gate
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._verdict import failed_fact

# The module, declared once: run here on the host, and in the controller by its action plugin.
MODULE = HyperstackModule("hyperstack_credit_gate_info", credit_gate, dict(PLAN_OPTIONS, **GATE_OPTIONS, **PAYMENT_OPTIONS), on_failure=failed_fact)


def main():
    run_module(MODULE)


if __name__ == "__main__":
    main()
