"""Test drive provisioning: the provisioner interface, the local default, and choosing one from settings."""

import hashlib
from typing import Protocol, runtime_checkable

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from certification.models import HotInstanceRecord

DEFAULT_PROVISIONER = "certification.provisioning.LocalProvisioner"


class ProvisioningRefused(Exception):
    """The provisioner cannot create the instances because of the offer's configuration (the publisher's fix)."""


@runtime_checkable
class Provisioner(Protocol):
    """Create hot test drive instances; calling again with the same key returns the same instances."""

    def provision(self, key: str, region: str, count: int, template: dict | None) -> list[str]:
        """Return the ids of ``count`` ready instances in ``region`` for ``key``, creating them once."""


def provisioner_get() -> Provisioner:
    """Return the provisioner named by ``settings.TEST_DRIVE_PROVISIONER`` (read now, not at import)."""
    path = getattr(settings, "TEST_DRIVE_PROVISIONER", "") or DEFAULT_PROVISIONER
    return import_string(path)()


def _hot_instance_records():
    """Return the store of hot instance records (one row per key and region)."""

    return HotInstanceRecord.objects


def _instance_ids(key: str, region: str, count: int) -> list[str]:
    """Return stable instance ids, so a record written twice by racing workers holds the same ids."""
    digest = hashlib.sha256(f"{key}|{region}".encode()).hexdigest()[:12]
    return [f"td-{region}-{digest}-{n:02d}" for n in range(1, count + 1)]


class LocalProvisioner:
    """Record hot instances per region locally; nothing is deployed anywhere."""

    def provision(self, key: str, region: str, count: int, template: dict | None) -> list[str]:
        if template is not None and not isinstance(template.get("resources"), list):
            raise ProvisioningRefused(_("The ARM template has no resources list."))
        record, _created = _hot_instance_records().get_or_create(
            key=key, region=region, defaults={"instance_ids": _instance_ids(key, region, count)}
        )
        return list(record.instance_ids)


def hot_instances(key: str) -> dict[str, list[str]]:
    """Return the instances recorded for a key, by region."""
    return {record.region: list(record.instance_ids) for record in _hot_instance_records().filter(key=key)}
