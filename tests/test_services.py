"""The production parts that configuration switches on: Redis cache and mail."""

from __future__ import annotations

from django.core.cache import caches
from django.test import override_settings

from dateline import config
from dateline.testing.processes import dateline_env, run_dateline


def test_redis_url_gives_a_working_shared_cache(redis_url, monkeypatch):
    monkeypatch.setenv("REDIS_URL", redis_url)
    with override_settings(CACHES={"default": config.cache()}):
        cache = caches["default"]
        cache.set("dateline-test", {"n": 1}, 30)
        assert cache.get("dateline-test") == {"n": 1}
        cache.delete("counter")
        assert cache.add("counter", 0) is True
        assert cache.add("counter", 5) is False  # add never overwrites
        assert cache.incr("counter", 2) == 2
        import redis

        raw = redis.Redis.from_url(redis_url)
        assert any(b"dateline-test" in key for key in raw.keys("*"))


def test_mail_is_written_to_the_outbox_folder(tmp_path):
    result = run_dateline(
        ["manage.py", "sendtestemail", "reader@example.org"],
        dateline_env(tmp_path, drop=("EMAIL_URL",)),
    )
    assert result.returncode == 0, result.stderr
    written = list((tmp_path / "outbox").iterdir())
    assert len(written) == 1
    assert "To: reader@example.org" in written[0].read_text()
