"""Turn a YouTube or Vimeo page URL into a privacy-enhanced embed URL.

Pure string work: no oEmbed or other network call happens when a page is
rendered, so an article renders the same offline and leaks nothing about
its readers until one of them presses play.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode, urlsplit

YOUTUBE_HOSTS = {
    "youtube.com",
    "www.youtube.com",
    "m.youtube.com",
    "music.youtube.com",
    "youtu.be",
    "www.youtube-nocookie.com",
    "youtube-nocookie.com",
}
VIMEO_HOSTS = {"vimeo.com", "www.vimeo.com", "player.vimeo.com"}
YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
VIMEO_ID = re.compile(r"^[0-9]{1,12}$")
VIMEO_HASH = re.compile(r"^[0-9a-f]{6,20}$")
TIMESTAMP = re.compile(r"^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s?)?$")


class UnsupportedVideoURL(ValueError):
    """The URL is not a YouTube or Vimeo video link we know how to embed."""


@dataclass(frozen=True)
class VideoEmbed:
    provider: str  # "youtube" or "vimeo"
    video_id: str
    embed_url: str
    watch_url: str

    @property
    def play_url(self) -> str:
        """The player, told to start: loaded only when the reader asks."""
        return self.embed_url + ("&" if "?" in self.embed_url else "?") + "autoplay=1"

    @property
    def provider_name(self) -> str:
        return {"youtube": "YouTube", "vimeo": "Vimeo"}[self.provider]


def _seconds(raw: str) -> int | None:
    match = TIMESTAMP.match(raw.strip())
    if not raw.strip() or not match:
        return None
    hours, minutes, seconds = (int(part) if part else 0 for part in match.groups())
    return hours * 3600 + minutes * 60 + seconds


def _youtube(path: str, query: dict[str, list[str]], host: str) -> VideoEmbed:
    segments = [s for s in path.split("/") if s]
    if host == "youtu.be":
        video_id = segments[0] if segments else ""
    elif segments[:1] == ["watch"]:
        video_id = query.get("v", [""])[0]
    elif len(segments) >= 2 and segments[0] in {"embed", "shorts", "live", "v"}:
        video_id = segments[1]
    else:
        video_id = ""
    if not YOUTUBE_ID.match(video_id):
        raise UnsupportedVideoURL("This YouTube link does not name a video.")
    params = {}
    start = _seconds((query.get("t") or query.get("start") or [""])[0])
    if start:
        params["start"] = str(start)
    embed = f"https://www.youtube-nocookie.com/embed/{video_id}"
    if params:
        embed += "?" + urlencode(params)
    return VideoEmbed(
        "youtube", video_id, embed, f"https://www.youtube.com/watch?v={video_id}"
    )


def _vimeo(path: str, query: dict[str, list[str]], host: str) -> VideoEmbed:
    segments = [s for s in path.split("/") if s]
    if host == "player.vimeo.com":
        segments = segments[1:] if segments[:1] == ["video"] else []
    # vimeo.com/ID, vimeo.com/ID/HASH, vimeo.com/channels/NAME/ID, groups/NAME/videos/ID
    numeric = [i for i, s in enumerate(segments) if VIMEO_ID.match(s)]
    if not numeric:
        raise UnsupportedVideoURL("This Vimeo link does not name a video.")
    index = numeric[-1] if host != "player.vimeo.com" else numeric[0]
    video_id = segments[index]
    params = {"dnt": "1"}
    private_hash = query.get("h", [""])[0]
    if not private_hash and index + 1 < len(segments):
        private_hash = segments[index + 1]
    if private_hash and VIMEO_HASH.match(private_hash):
        params["h"] = private_hash
    embed = f"https://player.vimeo.com/video/{video_id}?" + urlencode(params)
    return VideoEmbed("vimeo", video_id, embed, f"https://vimeo.com/{video_id}")


def video_embed(url: str) -> VideoEmbed:
    """Parse ``url`` into a :class:`VideoEmbed` or raise UnsupportedVideoURL."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        raise UnsupportedVideoURL("This is not a valid URL.") from None
    if parts.scheme not in {"http", "https"}:
        raise UnsupportedVideoURL("Video links must start with https://")
    host = (parts.hostname or "").lower()
    query = parse_qs(parts.query)
    if host in YOUTUBE_HOSTS:
        return _youtube(parts.path, query, host)
    if host in VIMEO_HOSTS:
        return _vimeo(parts.path, query, host)
    raise UnsupportedVideoURL(
        "Only YouTube and Vimeo links can be embedded; link other videos in the text."
    )
