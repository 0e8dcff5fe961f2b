from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject
from wagtail.models import Site

from dateline.newsroom.models import SectionPage


def _sections(request: HttpRequest) -> list[SectionPage]:
    site = Site.find_for_request(request)
    if site is None:
        return []
    return list(
        SectionPage.objects.child_of(site.root_page).live().in_menu().order_by("path")
    )


def navigation(request: HttpRequest) -> dict[str, object]:
    """The section menu, queried only by pages that show it."""
    return {"nav_sections": SimpleLazyObject(lambda: _sections(request))}
