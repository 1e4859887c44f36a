from django.urls import path

from taza.alerts import views

app_name = "alerts"
urlpatterns = [path("alerts/", views.preferences, name="preferences")]
