from __future__ import annotations

import pytest

from vanthu.audit.models import AuditEvent


@pytest.fixture
def admin_client(world, login):
    return login(world.admin)


@pytest.fixture
def events():
    """Actions of the audit events written since the test started, oldest first."""

    def _events(prefix: str = "directory.") -> list[str]:
        return list(
            AuditEvent.objects.filter(action__startswith=prefix)
            .order_by("id")
            .values_list("action", flat=True)
        )

    return _events
