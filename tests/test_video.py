"""Video links become privacy-enhanced embeds without any network call."""

from __future__ import annotations

import pytest

from dateline.newsroom.video import UnsupportedVideoURL, video_embed


@pytest.mark.parametrize(
    ("url", "embed"),
    [
        (
            "https://www.youtube.com/watch?v=aqz-KE-bpKQ",
            "https://www.youtube-nocookie.com/embed/aqz-KE-bpKQ",
        ),
        (
            "https://youtu.be/aqz-KE-bpKQ?t=90",
            "https://www.youtube-nocookie.com/embed/aqz-KE-bpKQ?start=90",
        ),
        (
            "https://www.youtube.com/watch?v=aqz-KE-bpKQ&t=1m5s",
            "https://www.youtube-nocookie.com/embed/aqz-KE-bpKQ?start=65",
        ),
        (
            "https://m.youtube.com/shorts/aqz-KE-bpKQ",
            "https://www.youtube-nocookie.com/embed/aqz-KE-bpKQ",
        ),
        (
            "https://www.youtube-nocookie.com/embed/aqz-KE-bpKQ",
            "https://www.youtube-nocookie.com/embed/aqz-KE-bpKQ",
        ),
        ("https://vimeo.com/1084537", "https://player.vimeo.com/video/1084537?dnt=1"),
        (
            "https://vimeo.com/channels/staffpicks/1084537",
            "https://player.vimeo.com/video/1084537?dnt=1",
        ),
        (
            "https://vimeo.com/1084537/abc123def0",
            "https://player.vimeo.com/video/1084537?dnt=1&h=abc123def0",
        ),
        (
            "https://player.vimeo.com/video/1084537",
            "https://player.vimeo.com/video/1084537?dnt=1",
        ),
    ],
)
def test_supported_links_become_privacy_enhanced_embeds(url, embed):
    assert video_embed(url).embed_url == embed


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/video.mp4",
        "javascript:alert(1)",
        "https://www.youtube.com/watch?v=short",
        "https://www.youtube.com/channel/UCabc",
        "https://vimeo.com/about",
        "not a url",
    ],
)
def test_other_links_are_refused_with_a_reason(url):
    with pytest.raises(UnsupportedVideoURL) as caught:
        video_embed(url)
    assert str(caught.value)
