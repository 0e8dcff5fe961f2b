from django.urls import path

from dateline.notes import views

urlpatterns = [
    path("notes/articles/<int:article_id>/write/", views.write, name="note-write"),
    path("notes/<int:note_id>/rate/", views.rate, name="note-rate"),
    path(
        "notes/comments/<int:comment_id>/write/",
        views.comment_write,
        name="note-comment-write",
    ),
]
