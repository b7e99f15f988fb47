from django.urls import path

from profiles import views

app_name = "profiles"
urlpatterns = [
    path("", views.home, name="home"),
    path("authors/", views.author_list, name="author_list"),
    path("authors/<slug:slug>/", views.author_detail, name="author"),
]
