"""A 现场视频 in an S3 bucket (a real SeaweedFS, ``s3_storage`` fixture) plays through the 服务机构端 stream
view: Range requests get 206 with the right bytes, read from the bucket; another organisation gets 404."""

from __future__ import annotations

import pytest
from django.urls import reverse

from anze.documents import testing as files
from anze.prevention import attachments, scenarios

pytestmark = pytest.mark.django_db

SIZE = 200_000


def test_a_video_in_the_bucket_streams_with_range_requests(s3_storage, seaweedfs, cast, client_for):
    data = files.mp4_bytes(size=SIZE)
    policy = cast.in_service()
    uploads = attachments.Uploads(video=files.upload("演练.mp4", data))
    record = scenarios.record(policy, cast.org_admin, "training", [cast.staff], uploads=uploads)
    document = record.attachments.get().document
    assert document.file.name in seaweedfs.keys(s3_storage)
    stream = reverse("service:videos:stream", args=[document.uuid])
    c = client_for(cast.org_admin)
    response = c.get(stream, headers={"Range": "bytes=150000-150999"})
    assert response.status_code == 206 and response["Content-Range"] == f"bytes 150000-150999/{SIZE}"
    assert b"".join(response.streaming_content) == data[150000:151000]
    response = c.get(stream, headers={"Range": "bytes=0-"})
    assert response.status_code == 206 and b"".join(response.streaming_content) == data
    assert client_for(cast.other_org_admin).get(stream).status_code == 404
