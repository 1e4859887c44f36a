from django.urls import path

from taza.air import views

app_name = "air"

urlpatterns = [
    path("", views.index, name="index"),
    path("methodology/", views.methodology, name="methodology"),
    path("import/", views.import_posts_page, name="import"),
    path("posts/<slug:code>/", views.post, name="post"),
    path("<slug:slug>/", views.city, name="city"),
    path("<slug:slug>/posts.geojson", views.city_geojson, name="city-geojson"),
    path("<slug:slug>/subscribe/", views.subscribe_view, name="subscribe"),
]
