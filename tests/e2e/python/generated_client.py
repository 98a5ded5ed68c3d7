"""Drives lookout through a client that openapi-python-client generated from its own
/api/openapi.json: create, list, get, patch and delete a website, plus a validation error.

Usage: generated_client.py BASE_URL TOKEN   (the generated package `lookout_client` on PYTHONPATH)
Exits non-zero, with the reason, when anything differs from what the API promises.
"""

import sys

from lookout_client import AuthenticatedClient
from lookout_client.api.websites import (
    create_website,
    delete_website,
    get_website,
    list_websites,
    update_website,
)
from lookout_client.models import (
    CreateWebsiteRequest,
    ErrorBody,
    PatchWebsiteRequest,
    WebsiteResponse,
)


def expect(condition, what):
    if not condition:
        raise SystemExit(f"generated client: {what}")


def main(base_url, token):
    client = AuthenticatedClient(base_url=base_url, token=token, raise_on_unexpected_status=True)
    with client as client:
        sent_url = "https://generated-client.example.com"
        created = create_website.sync_detailed(
            client=client,
            body=CreateWebsiteRequest(url=sent_url, name="Generated", check_interval=120),
        )
        expect(created.status_code == 201, f"create answered {created.status_code}")
        site = created.parsed
        expect(isinstance(site, WebsiteResponse), f"create parsed as {site!r}")
        expect(site.url == sent_url, f"url drifted: sent {sent_url}, got {site.url}")
        expect(site.name == "Generated" and site.check_interval == 120, f"created {site!r}")

        listed = list_websites.sync(client=client)
        expect(isinstance(listed, list), f"list parsed as {listed!r}")
        expect([w.id for w in listed] == [site.id], f"list has {[w.id for w in listed]}")

        fetched = get_website.sync(site.id, client=client)
        expect(isinstance(fetched, WebsiteResponse) and fetched.id == site.id, f"get: {fetched!r}")

        patched = update_website.sync(
            site.id, client=client, body=PatchWebsiteRequest(name="Renamed", enabled=False)
        )
        expect(isinstance(patched, WebsiteResponse), f"patch parsed as {patched!r}")
        expect(patched.name == "Renamed" and patched.enabled is False, f"patched {patched!r}")
        expect(patched.url == sent_url, "a patch keeps the url as sent")

        refused = create_website.sync_detailed(
            client=client, body=CreateWebsiteRequest(url="ftp://nope.example", name="Bad")
        )
        expect(refused.status_code == 422, f"a bad url answered {refused.status_code}")
        expect(isinstance(refused.parsed, ErrorBody), f"422 parsed as {refused.parsed!r}")
        expect(refused.parsed.field == "url", f"the error names {refused.parsed.field!r}")

        deleted = delete_website.sync_detailed(site.id, client=client)
        expect(deleted.status_code == 204, f"delete answered {deleted.status_code}")
        gone = get_website.sync_detailed(site.id, client=client)
        expect(gone.status_code == 404, f"get after delete answered {gone.status_code}")
        expect(isinstance(gone.parsed, ErrorBody), f"404 parsed as {gone.parsed!r}")
    print("generated client: create, list, get, patch, delete and errors all as documented")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
