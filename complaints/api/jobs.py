"""Upload jobs: the status, progress and result of a bulk upload read in the background."""

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from complaints import selectors
from complaints.api import serializers as s
from complaints.api.complaints import MEMBERSHIP_FIGURES
from core import roles


class UploadJobDetailApi(APIView):
    """GET: a job's status (queued, running, done, failed), progress and result; for whoever started
    it and for officers (404 for anyone else). A member never sees the membership figures."""

    @extend_schema(responses=s.UploadJobSerializer)
    def get(self, request, job_id):
        job = selectors.upload_job_get(user=request.user, job_id=job_id)
        result = job.result
        if result is not None and not (roles.user_roles(request.user) & set(roles.STAFF_ROLES)):
            result = {k: v for k, v in result.items() if k not in MEMBERSHIP_FIGURES}
        return Response({"status": job.status, "progress": {"done": job.done, "total": job.total}, "result": result})
