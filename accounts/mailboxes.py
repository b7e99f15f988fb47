"""Email addresses as claims see them: one mailbox however it is written, and institution domains.

Pure code: plain strings in, plain values out.
"""

from __future__ import annotations

# Providers that deliver every spelling of a local part with dots added or removed to one mailbox.
GMAIL_LIKE_DOMAINS = frozenset({"gmail.com", "googlemail.com"})
GMAIL_DOMAIN = "gmail.com"


def mailbox_key(address: str) -> str:
    """The mailbox an address delivers to: lower-case, without a ``+tag``; gmail also without dots.

    ``Alice+x@Uni.edu`` and ``alice@uni.edu`` are one mailbox, so they count as one person.
    """
    local, at, domain = address.strip().lower().rpartition("@")
    if not at or not local:
        return address.strip().lower()
    local = local.split("+", 1)[0] or local
    if domain in GMAIL_LIKE_DOMAINS:
        local = local.replace(".", "") or local
        domain = GMAIL_DOMAIN
    return f"{local}@{domain}"


def mailbox_domains(mailbox: str) -> list[str]:
    """Every domain an address of this mailbox may be written with."""
    domain = mailbox.rpartition("@")[2]
    return sorted(GMAIL_LIKE_DOMAINS) if domain == GMAIL_DOMAIN else [domain]


def address_at_domain(address: str, domain: str) -> bool:
    """Whether the address is at the domain itself or one of its subdomains."""
    address_domain = address.rpartition("@")[2].strip().lower()
    domain = domain.strip().lower().lstrip("@")
    return bool(domain) and (address_domain == domain or address_domain.endswith("." + domain))
