# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    # How the organization pays, as the gate's options: plugins/module_utils/_options.py PAYMENT_OPTIONS.
    DOCUMENTATION = r"""
options:
  count_auto_topup:
    description:
      - How many automatic top-ups of the organization's C(topup_amount) the headroom and the runway conditions and a
        plan's cover may count, V(0) or more. V(0), the default, counts none and reads nothing more; every verdict is then what it is
        without this option.
      - Above V(0), the auto top-up (C(GET /billing/auto-topup/status)) and the payments
        (C(GET /billing/payment/payment-details)) are read at once with the rest, and the top-ups are counted only
        while the auto top-up is C(active), charges at or above the credit threshold, and its last top-up payment was
        paid (a failed payment, or a status the collection does not know, is not paid).
      - A condition that fails although the top-ups would have covered it says so in its reason, naming this option
        and why they may not be counted (for example C(auto top-up is disabled)).
    type: int
    default: 0
    version_added: 1.4.0
  runway_contracts:
    description:
      - Count the end of each running contract in the runway (with O(min_runway_days)) - from its C(end_date) on, the
        machines placed under it bill at list price (their flavor priced from the price list's C(original_value)),
        and the runway's reason names the contract, the days to its end and the burn before and after it.
      - Reads the contracts (C(GET /pricebook/contracts)) with the rest, and with a runway and a running contract the
        machines, the usage and the price list. A machine under a contract whose list price is not known fails the
        task, naming it.
      - With a plan, the result's C(contract_cover) names each planned flavor a running contract's discount covers
        (C(flavor), C(contract_id), C(remaining_count), C(end_date)); the plan is priced at the price list's C(value),
        the organization's price, all the same - a discount is never applied twice.
    type: bool
    default: false
    version_added: 1.4.0
"""
