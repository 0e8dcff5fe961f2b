from django.urls import path

from dateline.cdn import views

urlpatterns = [
    path("csrf-token", views.csrf_token, name="csrf-token"),
]
