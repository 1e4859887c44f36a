from django.urls import path

from taza.audit import views

app_name = "audit"
urlpatterns = [
    path("export/", views.export, name="export"),
    path("<str:model_label>/<str:pk>/", views.record_history, name="history"),
]
