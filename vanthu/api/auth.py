"""Who is calling: a bearer API token (scripts, other systems) or the browser's session.

Tokens are looked up by the SHA-256 of the secret, so the database never holds a usable
secret and the lookup is an indexed equality on a hash (no timing signal about the secret).
"""

from __future__ import annotations

from datetime import timedelta

from django.http import HttpRequest
from django.utils import timezone
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer, SessionAuth

from vanthu.directory.actions import hash_token
from vanthu.directory.models import ApiToken, User

# last_used_at is for spotting stale tokens, not an access log: writing it on every call
# would turn each read into a write (and serialise readers on SQLite), so minute precision.
LAST_USED_PRECISION = timedelta(minutes=1)


def user_for_token(secret: str) -> User | None:
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_token(secret), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


class ApiTokenAuth(HttpBearer):
    """`Authorization: Bearer vt_…`, a token made with `python -m django create_api_token`."""

    def authenticate(self, request: HttpRequest, token: str) -> User:
        user = user_for_token(token.strip())
        if user is None:
            # A wrong token is an error even when a session cookie is present: a script
            # with a revoked token must learn it, not silently act as someone else.
            raise AuthenticationError(message="Khóa API không hợp lệ hoặc đã bị thu hồi.")
        request.user = user
        return user


# The logged-in browser; ninja checks the CSRF token on unsafe methods for cookie auth.
api_auth = [ApiTokenAuth(), SessionAuth()]
