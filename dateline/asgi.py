"""ASGI entry point, for servers that speak only ASGI.

``python -m dateline serve`` does not use it: Granian serves the synchronous
Django stack through its WSGI interface (``dateline/wsgi.py``), which costs
less per request than Django's ASGI handler, whose thread hand-offs and
per-request database connections a synchronous app gains nothing from.
"""

import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dateline.settings")

from dateline.config import ConfigError

try:
    from django.core.asgi import get_asgi_application

    application = get_asgi_application()
except ConfigError as exc:
    sys.exit(f"dateline: {exc}")
