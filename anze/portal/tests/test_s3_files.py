"""With the files in an S3 bucket (a real SeaweedFS, ``s3_storage`` fixture): the insurer issues the policy
(出函: policy, invoice and contract PDFs uploaded) and the enterprise downloads each byte-identical through
its order page; another enterprise gets 404 for the same file."""

from __future__ import annotations

import hashlib

from anze.orders.models import OrderStatus
from anze.portal.tests.support import url


def test_the_enterprise_downloads_the_issued_policy_from_the_bucket(
    s3_storage, seaweedfs, cast, me, them, online
):
    order = online(OrderStatus.ISSUED)
    stored = seaweedfs.keys(s3_storage)
    for document in (order.policy_file, order.invoice_file, order.contract_file):
        assert document.file.name in stored
        response = me.get(f"{url(order)}files/{document.uuid}/download/")
        assert response.status_code == 200
        assert response["Cache-Control"] == "private, no-store"
        content = b"".join(response.streaming_content)
        # Byte-identical to what the insurer uploaded: the digest was taken from the upload as it was stored.
        assert content.startswith(b"%PDF") and hashlib.sha256(content).hexdigest() == document.sha256
        assert (
            content == seaweedfs.client().get_object(Bucket=s3_storage, Key=document.file.name)["Body"].read()
        )
        assert them.get(f"{url(order)}files/{document.uuid}/download/").status_code == 404
