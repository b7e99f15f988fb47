from django.urls import path

from graph import views

app_name = "graph"
urlpatterns = [
    path("", views.explorer, name="explorer"),
    path("authors/<slug:slug>/slice/", views.author_slice_page, name="slice"),
    # JSON API for the explorer and other clients.
    path("api/authors/<slug:slug>/slice/", views.api_author_slice, name="api_slice"),
    path("api/nodes/<str:kind>/<slug:slug>/neighbours/", views.api_node_neighbours, name="api_neighbours"),
    path("api/search/", views.api_search, name="api_search"),
    path("api/path/", views.api_path, name="api_path"),
]
