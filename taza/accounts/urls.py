from django.urls import path

from taza.accounts import views

app_name = "accounts"
urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("filters/save/", views.save_filter, name="save-filter"),
    path("filters/<int:pk>/forget/", views.forget_filter, name="forget-filter"),
    path("crews/", views.crews, name="crews"),
    path("crews/new/", views.crew_new, name="crew-new"),
    path("crews/<int:pk>/", views.crew_change, name="crew"),
]
