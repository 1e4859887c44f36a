from django.urls import path

from taza.campaigns import views

app_name = "campaigns"
urlpatterns = [
    path("campaigns/", views.upcoming, name="upcoming"),
    path("campaigns/events.geojson", views.events_geojson, name="events-geojson"),
    path("campaigns/events/new/", views.event_new, name="event-new"),
    path("campaigns/events/<int:pk>/", views.event_detail, name="event"),
    path("campaigns/events/<int:pk>/register/", views.event_register, name="register"),
    path("campaigns/events/<int:pk>/unregister/", views.event_unregister, name="unregister"),
    path("campaigns/events/<int:pk>/cancel/", views.event_cancel, name="cancel"),
    path("campaigns/events/<int:pk>/attendance/", views.event_attendance, name="attendance"),
    path("campaigns/events/<int:pk>/result/", views.event_result, name="result"),
    path("campaigns/results/review/", views.results_review_bulk, name="results-review"),
    path("campaigns/results/<int:pk>/review/", views.result_review, name="result-review"),
    path("campaigns/console/", views.console, name="console"),
    path("campaigns/review/", views.review_queue, name="review"),
    path("campaigns/me/", views.my_record, name="me"),
    path("campaigns/results/", views.results_page, name="results"),
]
