from django.urls import path

from dateline.community import views

urlpatterns = [
    path("members/suggest/", views.suggest, name="member-suggest"),
    path("accounts/picture/", views.picture, name="member-picture"),
    path("members/<str:username>/", views.profile, name="member-profile"),
    path("community/leaderboard/", views.leaderboard, name="leaderboard"),
]
