from django.urls import path

from taza.alerts import views

app_name = "alerts"
urlpatterns = [
    path("alerts/", views.preferences, name="preferences"),
    path("alerts/telegram/link/", views.link_telegram, name="link-telegram"),
    path("alerts/telegram/unlink/", views.unlink_telegram, name="unlink-telegram"),
]
