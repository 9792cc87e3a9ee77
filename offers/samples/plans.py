"""Sample plans, technical configuration, resell and test drive values that make those pages Complete."""

import io
import json
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

from offers.samples import pdf_upload

MARKETS = ["US", "CA", "GB", "DE", "FR", "AU"]

MAIN_TEMPLATE = {
    "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
    "contentVersion": "1.0.0.0",
    "parameters": {
        "location": {"type": "string", "defaultValue": "[resourceGroup().location]"},
        "storageAccountName": {"type": "string", "minLength": 3, "maxLength": 24},
    },
    "resources": [
        {
            "type": "Microsoft.Storage/storageAccounts",
            "apiVersion": "2023-01-01",
            "name": "[parameters('storageAccountName')]",
            "location": "[parameters('location')]",
            "sku": {"name": "Standard_LRS"},
            "kind": "StorageV2",
            "properties": {"supportsHttpsTrafficOnly": True, "minimumTlsVersion": "TLS1_2"},
        }
    ],
    "outputs": {
        "storageEndpoint": {
            "type": "string",
            "value": "[reference(parameters('storageAccountName')).primaryEndpoints.blob]",
        }
    },
}

CREATE_UI_DEFINITION = {
    "$schema": "https://schema.management.azure.com/schemas/0.1.2-preview/CreateUIDefinition.MultiVm.json#",
    "handler": "Microsoft.Azure.CreateUIDef",
    "version": "0.1.2-preview",
    "parameters": {
        "basics": [
            {
                "name": "storageAccountName",
                "type": "Microsoft.Common.TextBox",
                "label": "Storage account name",
                "constraints": {"required": True, "regex": "^[a-z0-9]{3,24}$"},
            }
        ],
        "steps": [],
        "outputs": {"location": "[location()]", "storageAccountName": "[basics('storageAccountName')]"},
    },
}


def zip_upload(members: dict[str, object], *, name: str = "package.zip") -> SimpleUploadedFile:
    """Return an in-memory zip of the given members (dicts are written as JSON) as an upload."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, content in members.items():
            archive.writestr(member, json.dumps(content, indent=2) if isinstance(content, dict) else content)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/zip")


def azure_app_package(*, name: str = "contoso-app.zip") -> SimpleUploadedFile:
    """Return an Azure Application package with a valid mainTemplate.json and createUiDefinition.json."""
    return zip_upload({"mainTemplate.json": MAIN_TEMPLATE, "createUiDefinition.json": CREATE_UI_DEFINITION}, name=name)


def arm_test_drive_package(*, name: str = "test-drive.zip") -> SimpleUploadedFile:
    """Return a test drive package: main-template.json at its root."""
    return zip_upload({"main-template.json": MAIN_TEMPLATE}, name=name)


def _listing(n: int, *, name: str) -> dict:
    return {
        "plan_id": f"plan-{n}",
        "name": name,
        "description": f"{name}: everything a growing finance team needs, with standard support.",
        "markets": MARKETS,
        "visibility": "public",
        "restricted_audience": "",
    }


def _saas(n: int) -> tuple[dict, dict]:
    data = {
        **_listing(n, name=f"Contoso Expense Insights Standard {n}"),
        "pricing_model": "flat_rate",
        "billing_terms": ["P1M", "P1Y"],
        "price_p1m": "49.00",
        "price_p1y": "499.00",
        "dimension_1_id": "receipts-scanned",
        "dimension_1_name": "Receipts scanned",
        "dimension_1_unit": "per 1,000 receipts",
        "dimension_1_price": "2.50",
        "free_trial": True,
    }
    return data, {}


def _azure_app(n: int) -> tuple[dict, dict]:
    data = {
        **_listing(n, name=f"Managed Standard {n}"),
        "plan_type": "managed_application",
        "version": "1.0.0",
        "monthly_price": "199.00",
        "meter_1_id": "gb-processed",
        "meter_1_name": "Data processed",
        "meter_1_unit": "per GB",
        "meter_1_price": "0.05",
    }
    return data, {"package": azure_app_package()}


def _vm(n: int) -> tuple[dict, dict]:
    data = {
        **_listing(n, name=f"Contoso Secure Gateway Standard {n}"),
        "pricing_model": "per_core",
        "price": "0.12",
        "free_trial": "1",
        "hidden": False,
        "os_family": "linux",
        "os_name": "Ubuntu 22.04 LTS",
        "recommended_sizes": ["Standard_D2s_v5", "Standard_D4s_v5"],
        "open_ports": "22/TCP\n443/TCP",
        "image_1_version": "1.0.0",
        "image_1_sas_uri": (
            "https://contosoimages.blob.core.example/vhds/gateway-1.0.0.vhd"
            "?sv=2022-11-02&sr=b&sp=r&se=2030-01-01T00:00:00Z&sig=c2lnbmF0dXJl"
        ),
    }
    return data, {}


_PLANS = {"saas": _saas, "azure_application": _azure_app, "azure_vm": _vm}


def plan_data(offer_type: str, n: int = 1) -> tuple[dict, dict]:
    """Return the POST data and uploads of a Complete plan ``plan-{n}`` of the offer type."""
    return _PLANS[offer_type](n)


def _technical(offer_type: str) -> tuple[dict, dict]:
    data = {
        "tenant_id": "72f988bf-86f1-41af-91ab-2d7cd011db47",
        "app_id": "5d1c7a2e-3b8f-4c6d-9e0a-1f2b3c4d5e6f",
    }
    if offer_type == "saas":
        data["landing_page_url"] = "https://contoso.example/expense-insights/activate"
        data["connection_webhook"] = "https://contoso.example/expense-insights/api/marketplace-webhook"
    elif offer_type != "azure_application":
        raise KeyError(offer_type)
    return data, {}


def _resell(offer_type: str) -> tuple[dict, dict]:
    if offer_type not in _PLANS:
        raise KeyError(offer_type)
    return {"csp_partners": "any"}, {}


def _test_drive(offer_type: str) -> tuple[dict, dict]:
    if offer_type not in _PLANS:
        raise KeyError(offer_type)
    data = {
        "test_drive_type": "azure_resource_manager",
        "regions": ["eastus", "westeurope"],
        "hot_instances": 2,
        "duration_hours": 2,
        "description": (
            "Explore a fully configured deployment with sample expense data. Sign in with the credentials shown "
            "on the test drive page, open the dashboard and follow the guided tour in the user manual."
        ),
    }
    files = {"arm_template": arm_test_drive_package(), "user_manual": pdf_upload(name="test-drive-manual.pdf")}
    if offer_type == "saas":
        data["test_drive_type"] = "power_bi"
        del files["arm_template"]
    return data, files


_PAGES = {"technical_configuration": _technical, "resell": _resell, "test_drive": _test_drive}


def page_data(offer_type: str, key: str) -> tuple[dict, dict]:
    """Return the POST data and uploads that make the page Complete for the offer type."""
    return _PAGES[key](offer_type)
