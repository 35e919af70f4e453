from django.contrib import admin
from django.urls import include, path

from vanthu.api.urls import api

urlpatterns = [
    path("quan-tri/", admin.site.urls),
    path("api/v1/", api.urls),
    path("so-van-ban/", include("vanthu.reports.urls")),
    path("danh-ba/", include("vanthu.directory.urls")),
    path("ky-so/khoa/", include("vanthu.signing.web.credentials_urls")),
    path("ky-so/tin-cay/", include("vanthu.signing.web.trust_urls")),
    path("ky-so/phien/", include("vanthu.signing.web.session_urls")),
    path("ky-so/tu-xa/", include("vanthu.signing.web.csc_urls")),
    path("xac-thuc/", include("vanthu.signing.web.public_urls")),
    path("ban-sao/", include("vanthu.web.copies_urls")),
    path("xu-ly/", include("vanthu.processing.urls")),
    path("ho-so/", include("vanthu.workfiles.urls")),
    path("quy-trinh-duyet/", include("vanthu.circuits.urls")),
    path("thong-bao/", include("vanthu.notifications.urls")),
    path("lich-cong-tac/", include("vanthu.schedule.urls")),
    path("giam-sat/", include("vanthu.monitoring.urls")),
    path("uy-quyen/", include("vanthu.delegation.urls")),
    path("ngay-nghi/", include("vanthu.holidays.urls")),
    path("lien-thong/", include("vanthu.exchange.urls")),
    path("", include("vanthu.recalls.urls")),
    path("", include("vanthu.web.urls")),
]
