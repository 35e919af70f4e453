"""The demo province: Nghệ An after the 2025 two-tier local-government reform.

`data` holds the agencies, people and subjects as plain data; `accounts` turns them into the
list of demo logins (also printed as docs/DEMO_ACCOUNTS.md); `seed` drives the real document
actions to fill a fresh database; `backdate` spreads what the actions did "now" over the past
twelve months while keeping the yearly numbering of Decree 30 intact.

Beside the province, `ministry` seeds a second deployment (Bộ Nội vụ) and `exchange` the
documents the two exchange over the hub on the demo's first start; `stack` describes the
processes (hub, web servers, exchange workers) and `launcher` runs them for `vanthu demo`.
"""

DEMO_PASSWORD = "vanthu2026"
