from django.urls import path

from profiles import views
from profiles.feeds import author_feed

app_name = "profiles"
urlpatterns = [
    path("", views.home, name="home"),
    path("authors/", views.author_list, name="author_list"),
    path("authors/<slug:slug>/", views.author_detail, name="author"),
    path("authors/<slug:slug>/feed/", author_feed, name="author_feed"),
    path("institutions/", views.institution_list, name="institution_list"),
    path("institutions/<slug:slug>/", views.institution_detail, name="institution"),
]
