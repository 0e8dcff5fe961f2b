from django.urls import path

from dateline.notify import views

urlpatterns = [
    path("accounts/notifications/", views.settings_page, name="notify-settings"),
    path("threads/<int:thread_id>/follow/", views.follow, name="notify-follow"),
    path("threads/<int:thread_id>/mute/", views.mute_thread, name="notify-mute-thread"),
    path("members/<int:member_id>/mute/", views.mute_member, name="notify-mute-member"),
    path(
        "notify/unsubscribe/<str:token>/", views.unsubscribe, name="notify-unsubscribe"
    ),
    path("notify/guests/", views.guest_start, name="notify-guest"),
    # Answered by dateline/notify/live/stream.py in front of Django; this
    # view serves servers without it (the replay, then the browser retries).
    path("live/threads/<int:thread_id>/", views.live_once, name="live-thread"),
    path(
        "notify/guests/confirm/<str:token>/",
        views.guest_confirm,
        name="notify-guest-confirm",
    ),
]
