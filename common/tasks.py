from celery import shared_task

from common.dispatch import outbox_resend


@shared_task(acks_late=True, time_limit=300, soft_time_limit=240)
def outbox_resend_task() -> int:
    """Beat, every 30 s: send the tasks a broker outage kept from going out after their commit."""
    return outbox_resend()
