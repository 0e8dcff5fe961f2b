"""Brotli and gzip answers, and cached pages kept compressed (core/compression.py)."""

from __future__ import annotations

import gzip
import json
import zlib

import brotli
import pytest
from django.middleware import csrf
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from dateline.core import compression
from tests.posting import form_post, guest_post
from tests.test_front import ARTICLE, _token, app, call  # noqa: F401 - app is a fixture

BROWSER = "gzip, deflate, br, zstd"  # what Chromium sends


def decoded(body: bytes, coding: str) -> bytes:
    if coding == "br":
        return bytes(brotli.decompress(body))
    if coding == "gzip":
        return gzip.decompress(body)
    return body


@given(
    st.binary(max_size=3000),
    st.binary(max_size=300),
    st.binary(min_size=1, max_size=80),
    st.binary(max_size=100),
)
def test_a_packed_page_decodes_to_the_page_with_the_token_in_every_coding(
    head, tail, token, slot_suffix
):
    slot = b"\x00SLOT\x00" + slot_suffix
    content = head.replace(slot, b"") + slot + tail.replace(slot, b"")
    packed = compression.pack(content, slot)
    want = content.replace(slot, token)
    for coding in ("br", "gzip", ""):
        assert decoded(packed.body(coding, token), coding) == want
    assert zlib.decompress(packed.body("gzip", token), 31) == want  # zlib's own check


def test_long_tails_and_pages_without_a_slot_decode_too():
    page = bytes(range(256)) * 300
    for content, slot in ((page + b"<SLOT>" + page, b"<SLOT>"), (page, b"<SLOT>")):
        packed = compression.pack(content, slot)
        for coding in ("br", "gzip"):
            body = packed.body(coding, b"t" * 64)
            assert decoded(body, coding) == content.replace(slot, b"t" * 64)


def test_the_token_travels_uncompressed_after_the_compressed_page():
    page = b"<p>" + b"Readers wrote in about the ferry. " * 500 + b"</p>"
    packed = compression.pack(page + b"<input value='SLOT'></body>", b"SLOT")
    token = b"Zq81" * 16
    for coding in ("br", "gzip"):
        body = packed.body(coding, token)
        # Its bytes are in the answer as they are: the compressed size of the
        # page does not depend on them (what the BREACH attack measures).
        assert token + b"'></body>" in body
        assert len(body) < len(page) / 10


@pytest.mark.parametrize(
    ("header", "coding"),
    [
        (BROWSER, "br"),
        ("gzip, deflate", "gzip"),
        ("br;q=0, gzip", "gzip"),
        ("gzip;q=1, br;q=0.5", "gzip"),
        ("x-gzip", "gzip"),
        ("*", "br"),
        ("*;q=0", ""),
        ("identity", ""),
        ("", ""),
        ("gzip;q=nonsense, br", "br"),
    ],
)
def test_the_coding_follows_accept_encoding(header, coding):
    assert compression.accepted(header) == coding


@pytest.mark.django_db
@pytest.mark.parametrize("coding", ["br", "gzip"])
def test_a_cached_article_page_is_compressed_with_the_readers_own_token(thread, coding):
    guest_post(thread)
    reader = Client(enforce_csrf_checks=True)
    header = "br, gzip" if coding == "br" else "gzip"
    first = reader.get(ARTICLE, headers={"accept-encoding": header})
    again = reader.get(ARTICLE, headers={"accept-encoding": header})
    assert (first["X-Dateline-Cache"], again["X-Dateline-Cache"]) == ("miss", "hit")
    for answer in (first, again):
        assert answer["Content-Encoding"] == coding
        assert "Accept-Encoding" in answer["Vary"]
        assert int(answer["Content-Length"]) == len(answer.content)
    plain = Client().get(ARTICLE)
    assert "Content-Encoding" not in plain
    page = decoded(again.content, coding)
    assert len(again.content) < len(page) / 2
    assert page.replace(_token(page).encode(), b"") == plain.content.replace(
        _token(plain.content).encode(), b""
    )
    # The form's token is the page's last field, tied to the form by id.
    assert page.count(b"csrfmiddlewaretoken") == 1
    assert b'form="compose-new">' in page.rpartition(b"csrfmiddlewaretoken")[2]
    secret = reader.cookies["csrftoken"].value
    assert csrf._unmask_cipher_token(_token(page)) == secret
    form_post(reader, thread, "Sent from a compressed page.", _token(page))


@pytest.mark.django_db
def test_shared_payloads_carry_an_etag_per_coding_and_answer_304(thread, settings):
    settings.DATELINE_CDN_MAX_AGE = 60
    guest_post(thread)
    url = f"/api/threads/{thread.pk}/comments"
    tags = {}
    for coding, header in (("br", BROWSER), ("gzip", "gzip"), ("", "")):
        answer = Client().get(url, headers={"accept-encoding": header})
        assert answer.get("Content-Encoding", "") == coding
        data = json.loads(decoded(answer.content, coding))
        assert data["comments"][0]["body_html"].startswith("<p>The ferry ran late")
        tags[coding] = answer["ETag"]
        again = Client().get(
            url, headers={"accept-encoding": header, "if-none-match": answer["ETag"]}
        )
        assert again.status_code == 304
    assert len(set(tags.values())) == 3
    assert tags["br"] == tags[""][:-1] + '-br"'


@pytest.mark.django_db
def test_other_answers_are_compressed_when_they_are_worth_it(thread):
    comment = guest_post(thread)
    reader = Client()
    for path in ("/", "/search/?q=ferry", f"/api/comments/{comment.pk}"):
        plain = reader.get(path)
        packed = reader.get(path, headers={"accept-encoding": "gzip"})
        assert plain.status_code == packed.status_code == 200, path
        assert "Content-Encoding" not in plain
        assert packed["Content-Encoding"] == "gzip", path
        assert "Accept-Encoding" in packed["Vary"]
        assert len(gzip.decompress(packed.content)) == len(plain.content), path
    small = Client().get("/healthz", headers={"accept-encoding": BROWSER})
    assert small.status_code == 200
    assert "Content-Encoding" not in small


def test_front_answers_come_compressed_with_the_readers_token(app, thread):  # noqa: F811
    guest_post(thread)
    call(app, ACCEPT_ENCODING=BROWSER)
    status, headers, body = call(app, ACCEPT_ENCODING=BROWSER)
    assert (status, headers["x-dateline-cache"]) == (200, ["front"])
    assert headers["content-encoding"] == ["br"]
    assert int(headers["content-length"][0]) == len(body)
    page = decoded(body, "br")
    secret = headers["set-cookie"][0].split(";")[0].split("=", 1)[1]
    assert csrf._unmask_cipher_token(_token(page)) == secret
    _, plain_headers, plain = call(app)
    assert "content-encoding" not in plain_headers
    assert plain.replace(_token(plain).encode(), b"") == page.replace(
        _token(page).encode(), b""
    )


def test_front_shared_pages_answer_304_for_their_codings_tag(app, thread, settings):  # noqa: F811
    settings.DATELINE_CDN_MAX_AGE = 120
    call(app, ACCEPT_ENCODING="gzip")
    status, headers, body = call(app, ACCEPT_ENCODING="gzip")
    assert headers["x-dateline-cache"] == ["front"]
    assert headers["content-encoding"] == ["gzip"]
    assert b'name="csrfmiddlewaretoken" value=""' in gzip.decompress(body)
    tag = headers["etag"][0]
    assert tag.endswith('-gz"')
    status, _, empty = call(app, IF_NONE_MATCH=tag, ACCEPT_ENCODING="gzip")
    assert (status, empty) == (304, b"")
    status, plain_headers, _ = call(app, IF_NONE_MATCH=tag)
    assert status == 200  # another coding, other bytes
    assert plain_headers["etag"] != [tag]
