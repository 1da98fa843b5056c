from django.contrib import admin
from django.urls import include, path

from tinhgon.api import api
from tinhgon.reports.views import home


def _superusers_only(request) -> bool:  # type: ignore[no-untyped-def]
    # The admin site knows nothing of unit scope: only superusers, who see everything anyway.
    return bool(request.user.is_active and request.user.is_superuser)


admin.site.has_permission = _superusers_only  # type: ignore[method-assign]

urlpatterns = [
    path("api/", api.urls),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("tinhgon.accounts.urls")),
    path("reports/", include("tinhgon.reports.urls")),
    path("plans/", include("tinhgon.reorg.urls")),
    path("staff/", include("tinhgon.staffing.urls")),
    path("coord/", include("tinhgon.coordination.urls")),
    path("integrity/", include("tinhgon.integrity.urls")),
    path("equipment/", include("tinhgon.equipment.urls")),
    path("commendations/", include("tinhgon.commendations.urls")),
    path("services/figures/", include("tinhgon.publicservices.figures_urls")),
    path("services/pdf/", include("tinhgon.publicservices.pdf_urls")),
    path("services/", include("tinhgon.publicservices.urls")),
    path("dich-vu-cong/", include("tinhgon.publicservices.portal_urls")),
    path("", home, name="home"),
    path("", include("tinhgon.units.urls")),
]

handler400 = "tinhgon.core.views.bad_request"
handler403 = "tinhgon.core.views.forbidden"
handler404 = "tinhgon.core.views.not_found"
handler500 = "tinhgon.core.views.server_error"
