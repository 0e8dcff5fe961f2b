"""WSGI entry point, for servers that do not speak ASGI."""

import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dateline.settings")

from dateline.config import ConfigError

try:
    from django.core.wsgi import get_wsgi_application

    from dateline.discussion.front import Front

    # Cached article pages for anonymous readers are answered in front of
    # Django's stack (dateline/discussion/front.py).
    application = Front(get_wsgi_application())

    from dateline.moderation.toxicity import warm_up

    warm_up()
except ConfigError as exc:
    sys.exit(f"dateline: {exc}")
