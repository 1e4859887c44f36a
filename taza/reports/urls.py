from django.urls import path

from taza.reports import views

app_name = "reports"
urlpatterns = [
    path("reports/new/", views.new_report, name="new"),
    path("reports/mine/", views.my_reports, name="mine"),
    path("reports/<str:public_id>/", views.report_detail, name="detail"),
    path("reports/<str:public_id>/action/", views.report_action, name="action"),
    path("reports/<str:public_id>/follow/", views.follow, name="follow"),
    path("reports/<str:public_id>/notes/", views.add_note, name="note"),
    path("reports/<str:public_id>/assign/", views.assign, name="assign"),
    path("reports/<str:public_id>/merge/", views.merge, name="merge"),
    path("reports/<str:public_id>/split/", views.split, name="split"),
    path("console/", views.console, name="console"),
    path("console/bulk/", views.console_bulk, name="console-bulk"),
    path("statistics/", views.statistics_page, name="statistics"),
    path("map/", views.map_page, name="map"),
]
