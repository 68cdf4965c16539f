from csp.decorators import csp_update
from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from agreements import api as agreements_api
from exhibitors import api as exhibitors_api
from fair import api as fair_api
from frontend import views as frontend_views
from integrations import api as integrations_api
from kernel.api import api_not_found
from kernel.health import healthz
from matching import api as matching_api
from meetings import api as meetings_api
from notices import api as notices_api
from playbooks import api as playbooks_api
from rfq import api as rfq_api
from shows import api as shows_api

# The admin signs in through the site's sign-in page and its lockout (frontend/views.py).
admin.site.login = frontend_views.admin_login

# One router for the REST API; each domain app registers its own viewsets.
api_router = DefaultRouter()
fair_api.register(api_router)
exhibitors_api.register(api_router)
meetings_api.register(api_router)
matching_api.register(api_router)
agreements_api.register(api_router)
integrations_api.register(api_router)
notices_api.register(api_router)
rfq_api.register(api_router)
playbooks_api.register(api_router)
shows_api.register(api_router)

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    # The language switcher: Django's set_language, which also saves the choice on a signed-in user.
    path("i18n/setlang/", frontend_views.set_language, name="set_language"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view loads its start-up script from a URL: no inline script under the CSP.
    # Swagger UI's page has a small inline <style>: styles only are relaxed there, never scripts.
    path(
        "api/docs/",
        csp_update({"style-src": ["'unsafe-inline'"]})(
            SpectacularSwaggerSplitView.as_view(url_name="api-schema")
        ),
        name="api-docs",
    ),
    path("api/", include(api_router.urls)),
    re_path(r"^api/", api_not_found, name="api-not-found"),  # JSON, never the HTML 404 page
    path("meetings/", include("meetings.urls")),
    path("", include("frontend.urls")),
]

if settings.DEBUG and not settings.S3_BUCKET:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
