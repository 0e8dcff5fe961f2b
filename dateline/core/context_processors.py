from django.conf import settings
from django.http import HttpRequest


def site_chrome(request: HttpRequest) -> dict[str, object]:
    """What every reader page's header and footer need."""
    return {
        "site_name": settings.DATELINE_SITE_NAME,
        "site_url": settings.SITE_URL,
        "live_updates": settings.DATELINE_LIVE,
        # The browser writes times again in the reader's zone, in this format.
        "time_format": settings.DATELINE_DATETIME_FORMAT,
    }
