"""WSGI entry point of the hub, under its own settings (never vanthu.settings).

The VXP API paths go to the lean WSGI layer of api.py; the operator pages (/van-hanh/), the
index and the health check go through Django's handler and middleware.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ["DJANGO_SETTINGS_MODULE"] = "vanthu.hub.settings"

_pages = get_wsgi_application()

from vanthu.hub import api  # noqa: E402 - needs the settings configured above


def application(environ, start_response):
    answer = api.application(environ, start_response)
    if answer is None:
        return _pages(environ, start_response)
    return answer
