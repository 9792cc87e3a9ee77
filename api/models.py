"""What the API keeps of its own: the first response to each Idempotency-Key of a token."""

from django.db import models

from accounts.models import ApiToken


class IdempotentRequest(models.Model):
    """A POST made with an ``Idempotency-Key``: the same key of the same token gets this response again.

    The row is inserted in the transaction that runs the request, so a concurrent request with the same key waits
    on the unique constraint and then reads the stored response: one key, one effect.
    """

    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    request_hash = models.CharField(max_length=64)
    response_status = models.PositiveSmallIntegerField()
    response_body = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["token", "key"], name="idempotency_key_unique_per_token")]

    def __str__(self):
        return f"{self.token_id}:{self.key}"
