"""The interactive API docs in a real browser, under the site's own CSP."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

# As every browser test: the live server sees committed rows, and the
# migrations' rows come back after (a plain django_db test here broke the
# next test's restore of them).
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_api_docs_show_every_operation_from_this_site_alone(
    page, live_server, artifacts_dir
):
    refused: list[str] = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )
    hosts: set[str] = set()
    page.on("request", lambda request: hosts.add(urlsplit(request.url).netloc))

    page.goto(live_server.url + "/api/docs")
    title = page.locator(".swagger-ui .info .title")
    title.wait_for()
    assert title.inner_text().startswith("Dateline API")
    operations = page.locator(".swagger-ui .opblock-summary-path")
    operations.first.wait_for()
    paths = operations.all_inner_texts()
    assert any("/threads/{thread_id}/comments" in path for path in paths)
    page.screenshot(path=str(artifacts_dir / "api-docs.png"))
    assert refused == []
    assert hosts == {urlsplit(live_server.url).netloc}
