"""WSGI entry point, for servers that do not speak ASGI."""

import gc
import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dateline.settings")

from dateline.config import ConfigError

try:
    from django.core.wsgi import get_wsgi_application

    from dateline.config import request_threads
    from dateline.discussion.front import Front
    from dateline.notify.live.stream import Live

    # Cached article pages for anonymous readers are answered in front of
    # Django's stack (dateline/discussion/front.py); live streams in front
    # of that, each on a thread of its own (dateline/notify/live/stream.py).
    application = Live(
        Front(get_wsgi_application()),
        threads=request_threads(),
    )

    from dateline.moderation.toxicity import warm_up

    warm_up()
    # The site's modules, settings and URL patterns live as long as the
    # process: the cyclic collector need not walk them on every full
    # collection (the toxicity warm-up freezes its models the same way).
    gc.freeze()
except ConfigError as exc:
    sys.exit(f"dateline: {exc}")
