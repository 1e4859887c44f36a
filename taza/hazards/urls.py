from django.urls import path

from taza.hazards import views

app_name = "hazards"

urlpatterns = [
    path("", views.index, name="index"),
    path("fires/", views.fires, name="fires"),
    path("fires.geojson", views.fires_geojson, name="fires-geojson"),
    path("fires/<int:pk>/", views.fire, name="fire"),
    path("fires/<int:pk>/step/", views.fire_step, name="fire-step"),
    path("fires/upload/", views.upload, name="upload"),
    path("floods/", views.floods, name="floods"),
    path("floods/gauges.geojson", views.gauges_geojson, name="gauges-geojson"),
    path("floods/gauges/<slug:code>/", views.gauge, name="gauge"),
    path("floods/upload/", views.levels_upload, name="levels-upload"),
    path("floods/work/", views.flood_work, name="flood-work"),
    path("floods/work/<int:pk>/evidence/", views.preparedness_evidence, name="flood-evidence"),
    path("floods/settlements/<int:pk>/", views.settlement_change, name="settlement-change"),
    path("areas/", views.areas, name="areas"),
    path("areas/upload/", views.areas_upload, name="areas-upload"),
    path("follow/", views.follow, name="follow"),
    path("follow/<int:pk>/stop/", views.unfollow, name="unfollow"),
]
