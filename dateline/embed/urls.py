from django.urls import path

from dateline.embed import views

urlpatterns = [
    path("embed/frame/", views.frame, name="embed-frame"),
    path("embed/page/", views.page, name="embed-page"),
    path("embed/counts/", views.counts, name="embed-counts"),
    path("embed/signin/", views.signin, name="embed-signin"),
    path("embed/session/", views.session, name="embed-session"),
]
