"""The interactive API docs in a real browser, under the site's own CSP.

Served by the real server on a site of its own (no demo needed), so this
test touches none of the database the other browser tests share.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from dateline.testing.processes import dateline_env, run_dateline, served

pytestmark = [pytest.mark.browser, pytest.mark.server]


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[str]:
    env = dateline_env(tmp_path_factory.mktemp("docs"), drop=("DATABASE_URL",))
    done = run_dateline(["manage.py", "bootstrap", "--no-demo"], env)
    assert done.returncode == 0, done.stderr
    with served(env) as base:
        yield base


def test_api_docs_show_every_operation_from_this_site_alone(page, site, artifacts_dir):
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

    page.goto(site + "/api/docs")
    title = page.locator(".swagger-ui .info .title")
    title.wait_for()
    assert title.inner_text().startswith("Dateline API")
    operations = page.locator(".swagger-ui .opblock-summary-path")
    operations.first.wait_for()
    paths = operations.all_inner_texts()
    assert any("/threads/{thread_id}/comments" in path for path in paths)
    page.screenshot(path=str(artifacts_dir / "api-docs.png"))
    assert refused == []
    assert hosts == {urlsplit(site).netloc}
