from django.urls import path

from complaints.api import register, views

urlpatterns = [
    path("complaints/", views.ComplaintListCreateApi.as_view(), name="complaint-list"),
    path("complaints/<str:reference>/", views.ComplaintDetailApi.as_view(), name="complaint-detail"),
    path("complaints/<str:reference>/evidence/", views.ComplaintEvidenceListApi.as_view(), name="complaint-evidence"),
    path("complaints/<str:reference>/senders/", views.ComplaintSendersApi.as_view(), name="complaint-senders"),
    path("complaints/<str:reference>/cases/", views.ComplaintCaseOpenApi.as_view(), name="complaint-case-open"),
    path("cases/", views.CaseListApi.as_view(), name="case-list"),
    path("cases/<str:reference>/", views.CaseDetailApi.as_view(), name="case-detail"),
    path("cases/<str:reference>/actions/", views.CaseActionApi.as_view(), name="case-actions"),
    path(
        "cases/<str:reference>/police-referrals/", views.CasePoliceReferralApi.as_view(), name="case-police-referrals"
    ),
    path(
        "cases/<str:reference>/interim-suspension/",
        views.CaseInterimSuspensionApi.as_view(),
        name="case-interim-suspension",
    ),
    path(
        "cases/<str:reference>/interim-suspension/review/",
        views.CaseInterimReviewApi.as_view(),
        name="case-interim-review",
    ),
    path("allegations/", views.AllegationListApi.as_view(), name="allegation-list"),
    path(
        "allegations/<str:case_reference>/response/", views.AllegationResponseApi.as_view(), name="allegation-response"
    ),
    path("allegations/<str:case_reference>/appeal/", views.AllegationAppealApi.as_view(), name="allegation-appeal"),
    path("audit/stats/", register.AuditStatsApi.as_view(), name="audit-stats"),
    path("audit/sanctions/", register.AuditSanctionListApi.as_view(), name="audit-sanctions"),
    path(
        "audit/members/<str:membership_number>/history/",
        register.AuditMemberHistoryApi.as_view(),
        name="audit-member-history",
    ),
]
