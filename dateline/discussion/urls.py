from django.urls import path

from dateline.discussion import views
from dateline.discussion.feeds import ThreadFeed

urlpatterns = [
    path("threads/<int:thread_id>/feed.xml", ThreadFeed(), name="thread-feed"),
    path("comments/preview/", views.comment_preview, name="comment-preview"),
    path(
        "threads/<int:thread_id>/comments/",
        views.thread_comments,
        name="thread-comments",
    ),
    path(
        "threads/<int:thread_id>/comments/live/",
        views.comments_live,
        name="thread-comments-live",
    ),
    path(
        "comments/<int:comment_id>/", views.comment_permalink, name="comment-permalink"
    ),
    path("comments/<int:comment_id>/body/", views.comment_body, name="comment-body"),
    path("comments/<int:comment_id>/reply/", views.comment_reply, name="comment-reply"),
    path(
        "comments/<int:comment_id>/replies/",
        views.comment_branch,
        name="comment-branch",
    ),
    path("comments/<int:comment_id>/edit/", views.comment_edit, name="comment-edit"),
    path(
        "comments/<int:comment_id>/delete/", views.comment_delete, name="comment-delete"
    ),
    path("comments/<int:comment_id>/vote/", views.comment_vote, name="comment-vote"),
    path(
        "comments/<int:comment_id>/report/", views.comment_report, name="comment-report"
    ),
]
