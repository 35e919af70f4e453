from __future__ import annotations

import pytest

from tests.e2e.network import Network


@pytest.fixture(scope="module")
def network(tmp_path_factory):
    """A hub and two deployments for the tests of one module, stopped by PID at the end."""
    net = Network(tmp_path_factory.mktemp("e2e"))
    try:
        net.start()
    except BaseException:
        logs = net.logs()
        net.stop()
        raise RuntimeError(f"the end-to-end network did not start:\n{logs}") from None
    yield net
    net.stop()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """A failed test shows the end of every process's log (servers, workers, hub)."""
    report = yield
    net = item.funcargs.get("network") if hasattr(item, "funcargs") else None
    if report.failed and call.when == "call" and isinstance(net, Network):
        report.sections.append(("processes", net.logs()))
    return report
