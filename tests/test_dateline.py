"""The dateline: place, and the local time there when the story was filed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template import Context, Template
from wagtail.rich_text import RichText

from dateline.core import timefmt
from dateline.newsroom.models import ArticlePage
from dateline.newsroom.templatetags.newsroom_tags import paragraph_with_dateline

UTC = dt.UTC

# Building a Wagtail page looks up its content type.
pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("hour", "minute", "expected"),
    [
        (22, 15, "10:15 P.M."),
        (0, 5, "12:05 A.M."),
        (12, 0, "12:00 P.M."),
        (9, 7, "9:07 A.M."),
    ],
)
def test_clock_is_wire_style_12_hour(hour, minute, expected):
    assert timefmt.clock_12h(dt.datetime(2026, 1, 1, hour, minute)) == expected


def article(place: str, tz: str, filed_at: dt.datetime) -> ArticlePage:
    return ArticlePage(
        title="t", dateline_place=place, dateline_time_zone=tz, filed_at=filed_at
    )


def test_dateline_shows_local_time_at_the_place():
    # 20:15 UTC is 22:15 in Beirut in winter (UTC+2).
    page = article(
        "Beirut, Lebanon", "Asia/Beirut", dt.datetime(2026, 1, 12, 20, 15, tzinfo=UTC)
    )
    assert page.dateline_text == "BEIRUT, LEBANON (10:15 P.M.) –"


def test_dateline_follows_daylight_saving_at_the_place():
    winter = article(
        "Copenhagen, Denmark",
        "Europe/Copenhagen",
        dt.datetime(2026, 1, 5, 12, 0, tzinfo=UTC),
    )
    summer = article(
        "Copenhagen, Denmark",
        "Europe/Copenhagen",
        dt.datetime(2026, 7, 5, 12, 0, tzinfo=UTC),
    )
    assert "(1:00 P.M.)" in winter.dateline_text
    assert "(2:00 P.M.)" in summer.dateline_text


def test_same_instant_reads_differently_in_different_places():
    instant = dt.datetime(2026, 3, 1, 3, 30, tzinfo=UTC)
    assert (
        "(10:30 P.M.)"
        in article("Washington", "America/New_York", instant).dateline_text
    )
    assert (
        "(11:30 A.M.)"
        in article("Taipei, Taiwan", "Asia/Taipei", instant).dateline_text
    )


def test_dateline_goes_inside_the_first_paragraph():
    page = article(
        "Kharkiv, Ukraine", "Europe/Kyiv", dt.datetime(2026, 2, 1, 4, 40, tzinfo=UTC)
    )
    html = paragraph_with_dateline(
        RichText("<p>Monitors said.</p><p>Second.</p>"), page
    )
    assert html.startswith(
        '<p><span class="dateline"><span class="dateline-place">KHARKIV, UKRAINE</span>'
    )
    assert "6:40 A.M.</time>) –</span> Monitors said.</p><p>Second.</p>" in html
    assert 'datetime="2026-02-01T06:40:00+02:00"' in html


def test_dateline_place_is_escaped():
    page = article(
        "<script>alert(1)</script>", "UTC", dt.datetime(2026, 2, 1, tzinfo=UTC)
    )
    html = paragraph_with_dateline(RichText("<p>x</p>"), page)
    assert "<script>" not in html
    assert "&lt;SCRIPT&gt;" in html


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="aware"):
        timefmt.local_time_at(dt.datetime(2026, 1, 1), "UTC")


def test_site_datetime_uses_the_configured_format(settings):
    value = dt.datetime(2017, 9, 26, 2, 48, tzinfo=UTC)
    assert timefmt.site_datetime(value) == "26/09/2017 02:48"
    settings.DATELINE_DATETIME_FORMAT = "Y-m-d H:i"
    settings.DATELINE_DISPLAY_TIME_ZONE = "Europe/Copenhagen"
    assert timefmt.site_datetime(value) == "2017-09-26 04:48"


def test_time_tag_is_machine_readable():
    out = Template("{% load dateline_tags %}{% time_tag when %}").render(
        Context({"when": dt.datetime(2017, 9, 26, 2, 48, tzinfo=UTC)})
    )
    assert out == (
        '<time datetime="2017-09-26T02:48:00+00:00" data-local>26/09/2017 02:48 UTC</time>'
    )


def test_a_time_says_its_zone(settings):
    settings.DATELINE_DISPLAY_TIME_ZONE = "Europe/Copenhagen"
    summer = dt.datetime(2017, 9, 26, 2, 48, tzinfo=UTC)
    winter = dt.datetime(2017, 12, 26, 2, 48, tzinfo=UTC)
    assert timefmt.site_datetime_zoned(summer) == "26/09/2017 04:48 CEST"
    assert timefmt.site_datetime_zoned(winter) == "26/12/2017 03:48 CET"


def test_json_ld_cannot_break_out_of_its_script():
    out = Template("{% load dateline_tags %}{% json_ld data %}").render(
        Context({"data": {"headline": "</script><script>alert(1)</script>"}})
    )
    assert out.count("</script>") == 1
    assert "\\u003c/script\\u003e" in out
