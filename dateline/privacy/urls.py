from django.urls import path

from dateline.privacy import views

urlpatterns = [
    path("accounts/data/", views.your_data, name="your-data"),
    path("accounts/data/download/", views.download, name="your-data-download"),
    path("accounts/delete/", views.erase, name="account-delete"),
    path("privacy/guests/", views.guest_start, name="guest-request"),
    path("privacy/guests/<str:token>/", views.guest_data, name="guest-data"),
]
