from django.urls import path

from taza.sites import views

app_name = "sites"
urlpatterns = [
    path("sites/", views.registry, name="registry"),
    path("sites/sites.geojson", views.sites_geojson, name="geojson"),
    path("sites/queue/", views.queue, name="queue"),
    path("sites/queue/act/", views.queue_bulk, name="queue-bulk"),
    path("sites/indicators/", views.indicators_page, name="indicators"),
    path("sites/import/", views.import_page, name="import"),
    path("sites/scans/", views.scans, name="scans"),
    path("sites/scans/<int:pk>/", views.scan_detail, name="scan"),
    path("sites/<int:pk>/", views.site_detail, name="site"),
    path("sites/<int:pk>/action/", views.site_action, name="action"),
    path("sites/<int:pk>/chip.png", views.site_chip, name="chip"),
]
