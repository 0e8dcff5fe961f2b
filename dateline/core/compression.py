"""Brotli or gzip for HTML and JSON answers, and cached pages kept compressed.

:class:`CompressionMiddleware` compresses what a view rendered for this one
request: brotli when the client accepts it, else gzip, else nothing.

A cached page (``discussion/pagecache.py``, ``discussion/front.py``) is
compressed once, when it is cached, so that a hit does no compression work
although every reader gets their own CSRF token in it. :func:`pack` cuts the
page at the token's place (the templates put it last, just before
``</body>``): everything before it is compressed once into a brotli stream
and a gzip member, flushed but not finished; what follows the token is a few
dozen bytes. :meth:`Packed.body` appends the token and those bytes as they
are, in an uncompressed brotli meta-block (RFC 7932, section 9.2) or a
stored deflate block (RFC 1951, section 3.2.4), and closes the stream. The
token is never compressed with the rest, so the page's compressed size says
nothing about it (the BREACH attack reads secrets from that size).
"""

from __future__ import annotations

import re
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass

import brotli
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.cache import patch_vary_headers
from django.utils.text import compress_string

BROTLI = "br"
GZIP = "gzip"
IDENTITY = ""
# Compressed once per cache fill (about 0.8 ms for a 55 KB page) ...
PACKED_QUALITY = 6
# ... or once per answer (about 0.5 ms for the same page, 5% larger).
ANSWER_QUALITY = 4
MIN_BYTES = 200  # a smaller answer gains less than the headers cost
COMPRESSIBLE = re.compile(
    r"^(text/(html|plain|css|xml|csv|javascript)|application/"
    r"(json|xml|rss\+xml|atom\+xml|javascript|manifest\+json)|image/svg\+xml)\b"
)
_CODING = re.compile(r"^\s*([A-Za-z0-9*-]+)\s*(?:;\s*q\s*=\s*([0-9.]+))?\s*$")
# A gzip member's header: no name, no time, "unknown" operating system.
GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"


def accepted(header: str) -> str:
    """The coding to answer with for an ``Accept-Encoding`` header:
    :data:`BROTLI`, :data:`GZIP` or :data:`IDENTITY`, honouring ``q=0``
    and ``*``, and preferring brotli when both weigh the same."""
    weights: dict[str, float] = {}
    for part in header.lower().split(","):
        found = _CODING.match(part)
        if found is None:
            continue
        try:
            weights[found.group(1)] = float(found.group(2) or 1)
        except ValueError:
            continue
    star = weights.get("*", 0.0)
    if "x-gzip" in weights:  # an old alias of gzip
        weights.setdefault(GZIP, weights["x-gzip"])
    best, best_weight = IDENTITY, 0.0
    for coding in (BROTLI, GZIP):
        weight = weights.get(coding, star)
        if weight > best_weight:
            best, best_weight = coding, weight
    return best


def encoded_etag(tag: str, coding: str) -> str:
    """A strong ETag for ``coding``'s bytes: the same content compressed is
    other bytes, so it needs a tag of its own."""
    if not coding or not tag.endswith('"'):
        return tag
    return f'{tag[:-1]}-{"br" if coding == BROTLI else "gz"}"'


@dataclass(frozen=True)
class Packed:
    """A page cut where each reader's token goes, its start compressed once."""

    prefix: bytes  # the page up to the token's place, as it is
    tail: bytes  # from the token's place on (with the slot), as it is
    slot: bytes  # what the token replaces (b"" for none)
    brotli: bytes  # the prefix as a brotli stream, flushed, not finished
    gzip: bytes  # the prefix as a gzip member's start, flushed, not finished
    crc: int  # CRC-32 of the prefix

    def body(self, coding: str, token: bytes = b"") -> bytes:
        """The page with ``token`` in its place, in ``coding``."""
        rest = self.tail.replace(self.slot, token) if self.slot else self.tail
        if coding == BROTLI:
            return self.brotli + _brotli_uncompressed(rest) + b"\x03"  # ISLAST, empty
        if coding == GZIP:
            size = (len(self.prefix) + len(rest)) & 0xFFFFFFFF
            trailer = struct.pack("<II", zlib.crc32(rest, self.crc), size)
            return self.gzip + _stored_blocks(rest) + trailer
        return self.prefix + rest


def pack(content: bytes, slot: bytes = b"") -> Packed:
    """``content`` compressed up to the first ``slot`` (all of it without one).

    Everything from the slot on stays uncompressed in every coding, so the
    slot belongs near the end; there may be more than one.
    """
    at = content.find(slot) if slot else -1
    prefix, tail = (content, b"") if at < 0 else (content[:at], content[at:])
    compressor = brotli.Compressor(quality=PACKED_QUALITY)
    deflate = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    return Packed(
        prefix=prefix,
        tail=tail,
        slot=slot if at >= 0 else b"",
        brotli=compressor.process(prefix) + compressor.flush(),
        gzip=GZIP_HEADER + deflate.compress(prefix) + deflate.flush(zlib.Z_SYNC_FLUSH),
        crc=zlib.crc32(prefix),
    )


def _brotli_uncompressed(data: bytes) -> bytes:
    """``data`` as uncompressed brotli meta-blocks (none for no data).

    Header, least significant bit first: ISLAST=0, MNIBBLES (0 for four
    nibbles, 1 for five, 2 for six), MLEN-1, ISUNCOMPRESSED=1, then zero
    bits to the byte boundary and the bytes themselves.
    """
    out = bytearray()
    for start in range(0, len(data), 1 << 24):
        chunk = data[start : start + (1 << 24)]
        length = len(chunk) - 1
        nibbles = 4 if length < 1 << 16 else 5 if length < 1 << 20 else 6
        bits = ((nibbles - 4) << 1) | (length << 3) | (1 << (3 + 4 * nibbles))
        size = (4 + 4 * nibbles + 7) // 8
        out += bits.to_bytes(size, "little") + chunk
    return bytes(out)


def _stored_blocks(data: bytes) -> bytes:
    """``data`` as stored deflate blocks, the last one final."""
    out = bytearray()
    chunks = [data[i : i + 0xFFFF] for i in range(0, len(data), 0xFFFF)] or [b""]
    for number, chunk in enumerate(chunks):
        final = 1 if number == len(chunks) - 1 else 0
        out += struct.pack("<BHH", final, len(chunk), len(chunk) ^ 0xFFFF) + chunk
    return bytes(out)


def compress(content: bytes, coding: str) -> bytes:
    if coding == BROTLI:
        return bytes(brotli.compress(content, quality=ANSWER_QUALITY))
    # Django's, with a few random bytes in the header against BREACH.
    return compress_string(content, max_random_bytes=100)


class CompressionMiddleware:
    """Compress a text answer for a client that accepts brotli or gzip.

    Left alone: streaming answers, small ones, ones already encoded (the
    page cache's, static files) and ones that are not text. A strong ETag
    gets the coding added, so every variant keeps a validator of its own.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if response.streaming or response.has_header("Content-Encoding"):
            return response
        if not COMPRESSIBLE.match(response.get("Content-Type", "")):
            return response
        patch_vary_headers(response, ["Accept-Encoding"])
        content = response.content  # type: ignore[attr-defined]
        if len(content) < MIN_BYTES:
            return response
        coding = accepted(request.META.get("HTTP_ACCEPT_ENCODING", ""))
        if not coding:
            return response
        compressed = compress(content, coding)
        if len(compressed) >= len(content):
            return response
        response.content = compressed  # type: ignore[attr-defined]
        response["Content-Length"] = str(len(compressed))
        response["Content-Encoding"] = coding
        if response.has_header("ETag"):
            response["ETag"] = encoded_etag(response["ETag"], coding)
        return response
