from django.urls import path

from papers import views
from papers.feeds import TopicWorksFeed

app_name = "papers"
urlpatterns = [
    path("papers/<int:pk>/", views.paper_by_id, name="paper_by_id"),
    path("papers/<slug:slug>/", views.paper_detail, name="paper"),
    path("topics/", views.topic_list, name="topic_list"),
    path("topics/<slug:slug>/", views.topic_detail, name="topic"),
    path("topics/<slug:slug>/feed/", TopicWorksFeed(), name="topic_feed"),
]
