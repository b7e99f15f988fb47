from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("authors/<slug:slug>/claim/", views.claim_start, name="claim"),
    path("authors/<slug:slug>/edit/", views.author_edit, name="author_edit"),
    path("authors/<slug:slug>/papers/<slug:paper_slug>/disown/", views.paper_disown, name="paper_disown"),
    path("authors/<slug:slug>/follow/", views.follow, name="follow"),
    path("authors/<slug:slug>/unfollow/", views.unfollow, name="unfollow"),
    path("authors/<slug:slug>/invite/", views.conversation_new, name="conversation_new"),
    path("claims/", views.claims, name="claims"),
    path("claims/<int:pk>/withdraw/", views.claim_withdraw, name="claim_withdraw"),
    path("following/", views.following, name="following"),
    path("settings/email/", views.preferences, name="preferences"),
    path("inbox/", views.inbox, name="inbox"),
    path("conversations/<int:pk>/", views.conversation_detail, name="conversation"),
    path("conversations/<int:pk>/reply/", views.conversation_reply, name="conversation_reply"),
    path("conversations/<int:pk>/accept/", views.conversation_accept, name="conversation_accept"),
    path("conversations/<int:pk>/decline/", views.conversation_decline, name="conversation_decline"),
    path("conversations/<int:pk>/block/", views.conversation_block, name="conversation_block"),
    path("conversations/<int:pk>/unblock/", views.conversation_unblock, name="conversation_unblock"),
    path("conversations/<int:pk>/report/", views.conversation_report, name="conversation_report"),
]
