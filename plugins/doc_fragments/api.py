# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    # The options of plugins/module_utils/_options.py API_OPTIONS, for modules (tests/unit/plugins/doc_fragments/test_api.py holds the two together).
    DOCUMENTATION = r"""
options:
  api_key:
    description:
      - The Hyperstack API key, sent in the C(api_key) header.
      - Create one in the Hyperstack console under API Keys.
      - A key is required. If not set, the value of the E(HYPERSTACK_API_KEY) environment variable is
        used; for every module of a play at once, set it in C(module_defaults) for
        C(group/nexgencloud.hyperstack.all).
      - Never shown in output, even when the server echoes it back.
    type: str
  api_url:
    description:
      - Base URL of the Hyperstack Infrahub API, ending in C(/v1).
      - If not set, the value of E(HYPERSTACK_API_URL) is used, then E(HYPERSTACK_API_ADDRESS).
      - Must be C(https://); plain C(http://) is accepted only for a loopback host (such as the
        project's API emulator), so the key never crosses a network in clear text.
    type: str
    default: https://infrahub-api.nexgencloud.com/v1
  api_timeout:
    description:
      - Seconds one attempt may take in all, from the connection and the TLS handshake to the last
        byte of the body. No server can hold an attempt longer, however slowly it sends.
      - Not counted - the host name's lookup (the system's resolver has its own timeout), and for a name
        that resolves to several addresses, the connection to each address takes up to this long. Through
        a SOCKS proxy it bounds each read only.
      - If not set, the value of E(HYPERSTACK_API_TIMEOUT) is used.
    type: float
    default: 30
  api_retries:
    description:
      - How many times a failed request is retried after the first attempt; V(3) means at most 4 requests.
      - A read is retried on HTTP 429, 500, 502, 503 and 504, connection errors and timeouts. Other errors are not.
      - A request that changes something (hibernating, restoring, setting labels) is retried only when it certainly
        did not act, on HTTP 429 or a connection that could not be made; after a timeout, a dropped connection or a
        5xx it is not sent again, and the module reads the machine again instead.
      - Waits grow exponentially from 0.5 seconds with jitter, and honour a C(Retry-After) header.
      - If not set, the value of E(HYPERSTACK_API_RETRIES) is used.
    type: int
    default: 3
  api_retry_max_delay:
    description:
      - The longest wait, in seconds, before any one retry, including one asked for by C(Retry-After).
      - If not set, the value of E(HYPERSTACK_API_RETRY_MAX_DELAY) is used.
    type: float
    default: 10
  validate_certs:
    description:
      - Whether to verify the API's TLS certificate. Turn off only for testing.
    type: bool
    default: true
  ca_path:
    description:
      - Path to a PEM bundle of the certificate authorities to trust, for an API behind a proxy with
        a private CA.
      - If not set, the bundle named by E(REQUESTS_CA_BUNDLE) or E(CURL_CA_BUNDLE) is trusted, else
        the C(certifi) bundle that requests uses. O(ca_path) and O(validate_certs=false) win over both.
    type: path
notes:
  - An environment variable that is set but empty (or only white space) counts as unset, for every
    option, in the modules, the C(nexgencloud.hyperstack.credit) lookup and the event source alike.
  - Responses are validated against a JSON schema before any value is returned, and a body larger
    than 1 MiB is refused. Redirects are not followed, so the key is never sent to another host.
  - Proxies come from E(HTTPS_PROXY), E(ALL_PROXY) and E(NO_PROXY), as requests reads them; a loopback
    O(api_url) never goes through a proxy.
requirements:
  - requests >= 2.28
  - jsonschema >= 4.0
"""

    # For plugins (the credit lookup), listed before nexgencloud.hyperstack.api: only what differs
    # from the module options, merged over DOCUMENTATION (the fragment listed first wins), so the
    # descriptions exist once. The env entries follow API_OPTIONS; when several are set, Ansible
    # takes the last one listed, so the preferred variable comes last.
    LOOKUP = r"""
options:
  api_key:
    required: false
    env:
      - name: HYPERSTACK_API_KEY
  api_url:
    env:
      - name: HYPERSTACK_API_ADDRESS
      - name: HYPERSTACK_API_URL
  api_timeout:
    env:
      - name: HYPERSTACK_API_TIMEOUT
  api_retries:
    env:
      - name: HYPERSTACK_API_RETRIES
  api_retry_max_delay:
    env:
      - name: HYPERSTACK_API_RETRY_MAX_DELAY
"""
