"""Live updates: what changes in a thread reaches its open pages.

``record.py`` writes each change as a ``LiveEvent`` row just after its
commit (a batch every 100 ms per process) and publishes it (Redis pub/sub
when ``REDIS_URL`` is set). ``hub.py`` keeps, in each process, the readers
connected to each thread, fed by one source per process: the Redis
subscription, or a poll of the table on the embedded default (its worker
processes share one SQLite file, not memory). ``stream.py`` answers
``/live/threads/<id>/`` with server-sent events, replaying from the table
what a reconnecting page missed (``Last-Event-ID``); ``server.py`` does the
same for thousands of pages on one event loop (``python -m dateline live``).
"""
