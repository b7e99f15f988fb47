from django.db import models
from django.db.models import Q


class Outbox(models.Model):
    """A task to send once the transaction that wrote this row commits (common.dispatch).

    The row commits with the write it follows up, so a broker that is down at that moment loses
    nothing: the beat task ``pipeline.tasks.outbox_resend_task`` sends what is still unsent.
    """

    task_name = models.CharField(max_length=200)
    kwargs = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        verbose_name = "outbox task"
        indexes = [
            models.Index(fields=["created_at"], condition=Q(sent_at=None), name="common_outbox_unsent"),
            models.Index(fields=["sent_at"], condition=Q(sent_at__isnull=False), name="common_outbox_sent"),
        ]

    def __str__(self) -> str:
        return f"{self.task_name}({self.kwargs}) {'sent' if self.sent_at else 'unsent'}"
