from django.urls import path

from conduct.api import views

urlpatterns = [
    path("rules/", views.RuleListApi.as_view(), name="conduct-rules"),
    path("sanctions/", views.SanctionListApi.as_view(), name="conduct-sanctions"),
    path("guidance/", views.GuidanceListApi.as_view(), name="conduct-guidance"),
]
