from django.conf import settings
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from dateline.core import views as core_views
from dateline.discussion.api import api
from dateline.newsroom import views as newsroom_views
from dateline.newsroom.feeds import SiteAtomFeed, SiteFeed

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("api/", api.urls),
    path("", include("dateline.ops.urls")),
    path("", include("dateline.cdn.urls")),
    path("", include("dateline.privacy.urls")),
    path("", include("dateline.notify.urls")),
    path("", include("dateline.embed.urls")),
    path("", include("dateline.notes.urls")),
    path("accounts/", include("allauth.urls")),
    path("", include("dateline.discussion.urls")),
    path("", include("dateline.community.urls")),
    path("search/", newsroom_views.search, name="search"),
    path("tags/<slug:slug>/", newsroom_views.tag, name="tag"),
    path("feeds/rss.xml", SiteFeed(), name="feed-rss"),
    path("feeds/atom.xml", SiteAtomFeed(), name="feed-atom"),
    path("feeds/<slug:section>/rss.xml", SiteFeed(), name="section-feed-rss"),
    path("feeds/<slug:section>/atom.xml", SiteAtomFeed(), name="section-feed-atom"),
    path("sitemap.xml", newsroom_views.sitemap, name="sitemap"),
    path("robots.txt", core_views.robots_txt, name="robots-txt"),
]

if settings.DATELINE_SERVE_MEDIA:
    # The embedded default serves uploads itself; behind a web server set
    # DATELINE_SERVE_MEDIA=false and let it serve MEDIA_ROOT.
    urlpatterns += [
        re_path(r"^media/(?P<path>.*)$", core_views.media, name="media"),
    ]

urlpatterns += [path("", include(wagtail_urls))]

handler400 = "dateline.core.views.bad_request"
handler404 = "dateline.core.views.page_not_found"
handler500 = "dateline.core.views.server_error"
