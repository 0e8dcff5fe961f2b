"""Article body blocks validate what an editor enters."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from dateline.newsroom.blocks import MapBlock, VideoBlock


def test_video_block_refuses_a_non_video_link():
    block = VideoBlock()
    value = block.to_python(
        {"url": "https://example.com/clip.mp4", "caption": "", "credit": ""}
    )
    with pytest.raises(ValidationError) as caught:
        block.clean(value)
    assert "YouTube and Vimeo" in str(caught.value.block_errors["url"])


def test_video_block_accepts_a_youtube_link():
    block = VideoBlock()
    value = block.to_python(
        {"url": "https://youtu.be/aqz-KE-bpKQ", "caption": "c", "credit": ""}
    )
    assert block.clean(value)["url"] == "https://youtu.be/aqz-KE-bpKQ"


def test_map_block_needs_an_image_or_a_link():
    block = MapBlock()
    empty = block.to_python(
        {"image": None, "link": "", "link_text": "", "caption": "x", "source": ""}
    )
    with pytest.raises(ValidationError) as caught:
        block.clean(empty)
    assert "map image or give a map link" in str(caught.value.block_errors["image"])
    linked = block.to_python(
        {
            "image": None,
            "link": "https://www.openstreetmap.org/",
            "link_text": "",
            "caption": "",
            "source": "",
        }
    )
    assert block.clean(linked)["link"] == "https://www.openstreetmap.org/"
