"""ASGI entry point, served by uvicorn (see ``python -m dateline serve``)."""

import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dateline.settings")

from dateline.config import ConfigError

try:
    from django.core.asgi import get_asgi_application

    application = get_asgi_application()
except ConfigError as exc:
    sys.exit(f"dateline: {exc}")
