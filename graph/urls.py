from django.urls import path

from graph import views

app_name = "graph"
urlpatterns = [
    path("", views.explorer, name="explorer"),
    path("authors/<slug:slug>/slice/", views.author_slice_page, name="slice"),
]
