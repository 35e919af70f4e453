"""Fixtures borrowed for the recall tests: the signed-flow PKI and credentials (an update
carrying a replacing signed PDF) and the real Chromium of the browser journeys."""

from tests.browser.conftest import browser, page, screenshot_dir  # noqa: F401
from tests.signing_flow.conftest import (  # noqa: F401
    agency_credential,
    flow_pki,
    personal_credential,
    trusted,
)
