from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from config.health import healthz

admin.site.site_header = "Researcher profiles · administration"
admin.site.site_title = "Researcher profiles admin"

urlpatterns = [
    path("", include("profiles.urls")),
    path("papers/", include("papers.urls")),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
