from django.urls import path

from taza.databank import views

app_name = "databank"

urlpatterns = [
    path("waste/", views.waste, name="waste"),
    path("carbon/", views.carbon, name="carbon"),
    path("control/", views.control, name="control"),
    path("missing/", views.missing, name="missing"),
    path("pollutants/", views.pollutant_list, name="pollutants"),
    path("pollutants/<str:code>/", views.pollutant, name="pollutant"),
    path("import/", views.import_page, name="import"),
    path("permits/", views.permit_list, name="permits"),
    path("facilities/", views.emitters, name="emitters"),
    path("facilities/<str:code>/", views.facility, name="facility"),
]
