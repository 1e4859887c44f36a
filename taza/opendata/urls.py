from django.urls import path

from taza.opendata import views

app_name = "opendata"
urlpatterns = [
    path("data/", views.catalogue, name="catalogue"),
    path("data/catalog.jsonld", views.dcat, name="catalog"),
    path("data/<str:lang>/<slug:slug>.<str:fmt>", views.dataset_file, name="file"),
]
