from django.urls import path

from taza.programme import views

app_name = "programme"
urlpatterns = [
    path("programme/", views.plan, name="plan"),
    path("programme/measures/<int:number>/", views.measure_detail, name="measure"),
    path("programme/measures/<int:number>/report/", views.report_submit, name="report-submit"),
    path("programme/reports/review/", views.reports_review_bulk, name="reports-review"),
    path("programme/reports/<int:pk>/review/", views.report_review, name="report-review"),
    path("programme/evidence/<int:pk>/", views.evidence_file, name="evidence"),
    path("programme/indicators/<str:code>/", views.indicator_detail, name="indicator"),
    path("programme/regions/", views.regions, name="regions"),
    path("programme/regions/<str:code>/", views.region_detail, name="region"),
    path("programme/lagging/", views.lagging, name="lagging"),
    path("programme/reporting/", views.reporting, name="reporting"),
    path("programme/reporting/template/", views.template_download, name="template"),
    path("programme/reporting/upload/", views.template_upload, name="upload"),
    path("programme/export/", views.export, name="export"),
]
