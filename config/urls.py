from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

admin.site.site_header = "Respect and Unity — compliance"
admin.site.site_title = "Respect and Unity compliance"
admin.site.index_title = "Complaints, cases and the register"

api = [
    path("conduct/", include("conduct.api.urls")),
    path("", include("members.api.urls")),
    path("audit/", include("audit.api.urls")),
    path("", include("complaints.api.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its start-up script from a URL, so the page needs no inline script (CSP).
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
]

urlpatterns = [
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
    path("admin/", admin.site.urls),
    path("api/", include(api)),
]
