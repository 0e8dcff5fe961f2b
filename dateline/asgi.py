"""ASGI entry point, served by uvicorn (see ``python -m dateline serve``).

The whole Django stack runs as one synchronous call in a thread pool
(a2wsgi), not through Django's own ASGI handler. Every view and middleware
here is synchronous, and Django's ASGI path hops between the event loop and
a thread twice per middleware and opens a new database connection for every
request, because each request gets its own thread. Measured on a cached
thread page: about 9 ms per request that way, about 1.2 ms this way. Pool
threads keep their database connections (``CONN_MAX_AGE``).

A future streaming endpoint (live updates) can be routed to
``django.core.asgi.get_asgi_application()`` by path, next to this.
"""

import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dateline.settings")

from dateline.config import ConfigError, env_int

try:
    from a2wsgi import WSGIMiddleware
    from django.core.wsgi import get_wsgi_application

    application = WSGIMiddleware(
        get_wsgi_application(),  # type: ignore[arg-type]
        workers=env_int("DATELINE_THREADS", 2, minimum=1),
    )
except ConfigError as exc:
    sys.exit(f"dateline: {exc}")
