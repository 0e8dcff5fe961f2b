"""The demo site's content and the script that builds it (``demo/build.py``).

Not part of the product: ``make run`` restores the export this writes,
``demo/dateline-demo.jsonl.gz``, through ``manage.py import_dateline``.
"""
