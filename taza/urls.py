from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from taza.ops.views import health

urlpatterns = [
    path("", include("taza.web.urls")),
    path("health/", health, name="health"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("audit/", include("taza.audit.urls")),
    path("admin/", admin.site.urls),
]
