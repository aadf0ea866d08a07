from django.urls import path

from audit.api import access, views

urlpatterns = [
    path("events/", views.EventListApi.as_view(), name="audit-events"),
    path("security/", views.SecurityListApi.as_view(), name="audit-security"),
    path("checkpoints/", views.CheckpointListApi.as_view(), name="audit-checkpoints"),
    path("verify/", views.VerifyApi.as_view(), name="audit-verify"),
    path("access/", access.AuditAccessApi.as_view(), name="audit-access"),
]
