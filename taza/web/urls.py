from django.urls import path

from taza.web import views

urlpatterns = [
    path("", views.home, name="home"),
    path("territories/", views.territories, name="territories"),
]
