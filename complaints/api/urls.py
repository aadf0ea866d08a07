from django.urls import path

from complaints.api import allegations, cases, complaints, evidence_files, jobs, police_pack, register, threats

urlpatterns = [
    path("complaints/", complaints.ComplaintListCreateApi.as_view(), name="complaint-list"),
    path("complaints/<str:reference>/", complaints.ComplaintDetailApi.as_view(), name="complaint-detail"),
    path(
        "complaints/<str:reference>/evidence/", complaints.ComplaintEvidenceListApi.as_view(), name="complaint-evidence"
    ),
    path(
        "complaints/<str:reference>/evidence/<int:pk>/files/",
        evidence_files.EvidenceFileCreateApi.as_view(),
        name="evidence-files",
    ),
    path(
        "complaints/<str:reference>/evidence/<int:pk>/files/<int:file_id>/",
        evidence_files.EvidenceFileDownloadApi.as_view(),
        name="evidence-file",
    ),
    path("jobs/<uuid:job_id>/", jobs.UploadJobDetailApi.as_view(), name="upload-job"),
    path("evidence-mappings/", evidence_files.EvidenceMappingListCreateApi.as_view(), name="evidence-mappings"),
    path("complaints/<str:reference>/senders/", complaints.ComplaintSendersApi.as_view(), name="complaint-senders"),
    path("complaints/<str:reference>/threats/", threats.ComplaintThreatsApi.as_view(), name="complaint-threats"),
    path(
        "complaints/<str:reference>/police-referrals/",
        threats.ComplaintPoliceReferralApi.as_view(),
        name="complaint-police-referrals",
    ),
    path(
        "complaints/<str:reference>/police-pack/",
        police_pack.ComplaintPolicePackApi.as_view(),
        name="complaint-police-pack",
    ),
    path(
        "evidence/<int:pk>/classification/",
        threats.EvidenceClassificationApi.as_view(),
        name="evidence-classification",
    ),
    path("complaints/<str:reference>/cases/", cases.ComplaintCaseOpenApi.as_view(), name="complaint-case-open"),
    path("cases/", cases.CaseListApi.as_view(), name="case-list"),
    path("cases/<str:reference>/", cases.CaseDetailApi.as_view(), name="case-detail"),
    path("cases/<str:reference>/actions/", cases.CaseActionApi.as_view(), name="case-actions"),
    path(
        "cases/<str:reference>/police-referrals/", cases.CasePoliceReferralApi.as_view(), name="case-police-referrals"
    ),
    path(
        "cases/<str:reference>/interim-suspension/",
        cases.CaseInterimSuspensionApi.as_view(),
        name="case-interim-suspension",
    ),
    path(
        "cases/<str:reference>/interim-suspension/review/",
        cases.CaseInterimReviewApi.as_view(),
        name="case-interim-review",
    ),
    path("allegations/", allegations.AllegationListApi.as_view(), name="allegation-list"),
    path(
        "allegations/<str:case_reference>/response/",
        allegations.AllegationResponseApi.as_view(),
        name="allegation-response",
    ),
    path(
        "allegations/<str:case_reference>/appeal/", allegations.AllegationAppealApi.as_view(), name="allegation-appeal"
    ),
    path("audit/stats/", register.AuditStatsApi.as_view(), name="audit-stats"),
    path("audit/sanctions/", register.AuditSanctionListApi.as_view(), name="audit-sanctions"),
    path(
        "audit/members/<str:membership_number>/history/",
        register.AuditMemberHistoryApi.as_view(),
        name="audit-member-history",
    ),
]
