"""Runs TCR's OpenAPI document against a running `tendlc tcr-sim`: every operation once, with the
document's own examples (or, where a call needs real records, a brand and campaign made first).

Checks per operation: it is served (not the simulator's 404 for unknown routes), the status is one
the document lists, and the body validates against the document's schema for that status. Where
the document contradicts its own examples or cannot be satisfied, the exceptions file says what is
checked instead and why; nothing else is relaxed.

    python tcr-conformance.py DOCUMENT EXCEPTIONS BASE_URL KEY SECRET
"""
import copy
import json
import sys
import time
import urllib.parse

import jsonschema_rs
import requests

document_path, exceptions_path, base, key, secret = sys.argv[1:6]
document = json.load(open(document_path))
exceptions = json.load(open(exceptions_path))["exceptions"]
session = requests.Session()
session.auth = (key, secret)
METHODS = ("get", "put", "post", "delete", "patch")


def nullable(value):
    """OpenAPI 3.0's `nullable` as JSON Schema."""
    if isinstance(value, dict):
        if value.get("nullable") is True and isinstance(value.get("type"), str):
            value["type"] = [value["type"], "null"]
        for v in value.values():
            nullable(v)
    elif isinstance(value, list):
        for v in value:
            nullable(v)


components = copy.deepcopy(document["components"])
nullable(components)


def validator(schema):
    schema = copy.deepcopy(schema)
    nullable(schema)
    return jsonschema_rs.Draft4Validator({**schema, "components": components})


def call(method, path, **kwargs):
    try:
        return session.request(method, base + path, timeout=20, **kwargs)
    except requests.ConnectionError:
        # A server may close a kept-alive connection after answering without reading a body
        # (a 404 to an upload): the next request on it fails before it is sent. Once more, fresh.
        session.close()
        return session.request(method, base + path, timeout=20, **kwargs)


# ---- records the operations can act on --------------------------------------------------------
BRAND = {
    "entityType": "PRIVATE_PROFIT", "displayName": "Conformance Widgets",
    "companyName": "Conformance Widgets LLC", "ein": "123456789", "einIssuingCountry": "US",
    "phone": "+12025550123", "street": "123 Main St", "city": "Springfield", "state": "IL",
    "postalCode": "62701", "country": "US", "email": "support@conformance.example",
    "website": "https://conformance.example", "vertical": "RETAIL",
    "brandRelationship": "SMALL_ACCOUNT",
}


def setup():
    answer = call("POST", "/brand/nonBlocking", json=BRAND)
    if answer.status_code != 200:
        sys.exit(f"tcr conformance: could not register a brand: {answer.status_code} {answer.text}")
    brand = answer.json()["brandId"]
    for _ in range(100):
        if call("GET", f"/brand/{brand}").json().get("identityStatus") == "VERIFIED":
            break
        time.sleep(0.1)
    campaign_body = {
        "brandId": brand, "usecase": "MARKETING", "subUsecases": [],
        "description": "Weekly offers from Conformance Widgets to customers who opted in.",
        "embeddedLink": False, "embeddedPhone": False, "numberPool": False, "ageGated": False,
        "directLending": False, "subscriberOptin": True, "subscriberOptout": True,
        "subscriberHelp": True, "sample1": "Conformance Widgets: 20% off this week. Reply STOP to opt out.",
        "sample2": "Conformance Widgets: new arrivals are in. Reply STOP to opt out.",
        "messageFlow": "Customers opt in at checkout on https://conformance.example by ticking a box.",
        "helpMessage": "Conformance Widgets: help at support@conformance.example. Reply STOP to opt out.",
        "optinKeywords": "START", "optinMessage": "Conformance Widgets: you are subscribed. Reply STOP to opt out.",
        "optoutKeywords": "STOP", "optoutMessage": "Conformance Widgets: you are unsubscribed.",
        "helpKeywords": "HELP", "termsAndConditions": True, "autoRenewal": True,
        "resellerId": "R000000",
    }
    answer = call("POST", "/campaignBuilder", json=campaign_body)
    if answer.status_code != 200:
        sys.exit(f"tcr conformance: could not register a campaign: {answer.status_code} {answer.text}")
    campaign = answer.json()["campaignId"]
    otp = call("POST", f"/brand/{brand}/smsOtp", json={"pinSms": "Your PIN is @OTP_PIN@"})
    reference = otp.json().get("referenceId", "OTP0000000") if otp.status_code == 200 else "OTP0000000"
    # A file TCR holds, for the /attachment operations (read, then deleted last).
    files = {"file": ("conformance.pdf", b"%PDF-1.4\n%conformance\n", "application/pdf")}
    answer = call("POST", f"/brand/{brand}/appeal/evidence", files=files)
    if answer.status_code != 200:
        sys.exit(f"tcr conformance: could not upload a file: {answer.status_code} {answer.text}")
    attachment = answer.json()["uuid"]
    return {
        "brandId": brand, "campaignId": campaign, "referenceId": reference,
        "eventType": "BRAND_ADD", "eventCategory": "BRAND", "usecase": "MARKETING",
        "upstreamCnpId": "BANDW", "resellerId": "R000000", "attachmentId": attachment,
        "name": "conformance", "recordType": "BRAND", "recordId": brand,
        "campaignBody": campaign_body,
    }


# Bodies the document's examples cannot supply (they name records that do not exist here).
def bodies(ctx):
    return {
        "POST /brand/nonBlocking": {**BRAND, "displayName": "Conformance Gadgets"},
        "PUT /brand/{brandId}": {**BRAND, "website": "https://conformance.example/about"},
        "PUT /brand/{brandId}/externalVetting": {"evpId": "AEGIS", "vettingId": "conformance-1", "vettingToken": "conformance-token"},
        "POST /campaignBuilder": {**ctx["campaignBody"], "description": "Monthly offers from Conformance Widgets to customers who opted in."},
        "PUT /campaign/{campaignId}": {"description": "Weekly offers from Conformance Widgets to customers who opted in online."},
        "PUT /tag": {"name": "conformance", "recordType": "BRAND", "recordId": ctx["brandId"]},
        "PUT /csp/profile": {"escalateEmail": "escalate@conformance.example"},
        "POST /brand/{brandId}/externalVetting": {"evpId": "AEGIS", "vettingClass": "STANDARD"},
        "POST /campaign/{campaignId}/nudge": {"nudgeIntent": "REVIEW", "description": "Please review."},
    }


# Operations that change or remove the records the others read run last, in this order.
LAST = [
    "DELETE /attachment/{attachmentId}",
    "DELETE /tag/name/{name}/recordType/{recordType}/recordId/{recordId}",
    "DELETE /webhook/subscription/{eventCategory}",
    "DELETE /campaign/{campaignId}",
    "DELETE /brand/{brandId}",
]


def operations():
    ops = []
    for path, item in document["paths"].items():
        for method, op in item.items():
            if method in METHODS:
                ops.append((f"{method.upper()} {path}", method.upper(), path, op))
    order = {name: i for i, name in enumerate(LAST)}
    # PUT /tag before the DELETE of its tag; every other operation keeps the document's order.
    return sorted(ops, key=lambda o: (order.get(o[0], -1), o[0] != "PUT /tag"))


def example_of(media):
    if "example" in media:
        return media["example"]
    schema = media.get("schema", {})
    if "example" in schema:
        return schema["example"]
    if "$ref" in schema:
        return document["components"]["schemas"][schema["$ref"].split("/")[-1]].get("example")
    return None


def request_for(name, path, op, ctx):
    url = path
    params = {}
    for p in op.get("parameters", []):
        if p["in"] == "path":
            url = url.replace("{" + p["name"] + "}", urllib.parse.quote(ctx[p["name"]], safe=""))
        elif p["in"] == "query" and p.get("required"):
            s = p.get("schema", {})
            value = p.get("example", s.get("example", s.get("default")))
            if value is None and s.get("enum"):
                value = s["enum"][0]
            if value is None and s.get("type") == "array" and s.get("items", {}).get("enum"):
                value = s["items"]["enum"][0]
            params[p["name"]] = value
    kwargs = {"params": params}
    body = op.get("requestBody", {}).get("content", {})
    overrides = bodies(ctx)
    if name in overrides:
        kwargs["json"] = overrides[name]
    elif "application/json" in body:
        example = example_of(body["application/json"])
        if isinstance(example, str):
            try:
                example = json.loads(example)
            except ValueError:
                pass
        kwargs["json"] = example if example is not None else {}
    elif "application/x-www-form-urlencoded" in body:
        props = body["application/x-www-form-urlencoded"].get("schema", {}).get("properties", {})
        kwargs["data"] = {k: (v.get("enum") or ["2030-01-31"])[0] for k, v in props.items()}
    elif "multipart/form-data" in body:
        kwargs["files"] = {"file": ("evidence.pdf", b"%PDF-1.4\n%conformance\n", "application/pdf")}
    return url, kwargs


def exception_for(name, check):
    return next((e for e in exceptions if e["operation"] == name and e["check"] == check), None)


def main():
    ctx = setup()
    served, failures, not_served, applied = 0, [], [], set()
    ops = operations()
    for name, method, path, op in ops:
        url, kwargs = request_for(name, path, op, ctx)
        try:
            answer = call(method, url, **kwargs)
        except requests.RequestException as error:
            failures.append(f"{name}: no HTTP answer ({error})")
            print(f"  --- {name}  NO ANSWER")
            continue
        status = answer.status_code
        line = f"  {status} {name}"
        if status == 404:
            not_served.append(name)
            print(line + "  NOT SERVED")
            continue
        served += 1
        if status == 400:
            line += "  " + answer.text[:160]
        responses = op.get("responses", {})
        documented = responses.get(str(status)) or responses.get(f"{str(status)[0]}XX") or responses.get("default")
        if documented is None:
            failures.append(f"{name}: answered {status}, which the document does not list ({', '.join(responses)})")
            print(line + "  UNDOCUMENTED STATUS")
            continue
        content = documented.get("content", {})
        media = next((m for t, m in content.items() if answer.headers.get("content-type", "").startswith(t)), None)
        if content and media is None and answer.content:
            failures.append(f"{name}: {status} body is {answer.headers.get('content-type')}, the document says {', '.join(content)}")
            print(line + "  WRONG CONTENT TYPE")
            continue
        schema = (media or {}).get("schema")
        exception = exception_for(name, f"body {status}")
        if exception:
            applied.add(id(exception))
            schema = exception["instead"]
        if schema is None or not answer.headers.get("content-type", "").startswith("application/json"):
            print(line)
            continue
        try:
            body = answer.json()
        except ValueError:
            failures.append(f"{name}: {status} body is not JSON: {answer.text[:200]}")
            print(line + "  NOT JSON")
            continue
        errors = [f"{e.instance_path}: {e.message}" for e in validator(schema).iter_errors(body)][:5]
        if errors:
            failures.append(f"{name}: {status} body does not validate: " + "; ".join(errors))
            print(line + "  BODY INVALID")
        else:
            print(line + ("  (exception)" if exception else ""))
    unused = [e["operation"] + " " + e["check"] for e in exceptions if id(e) not in applied]
    for name in not_served:
        failures.append(f"{name}: not served (404)")
    for failure in failures:
        print("  FAIL " + failure)
    for e in unused:
        print(f"  note: exception not used this run: {e}")
    print(f"tcr conformance: {len(ops)} operations, {served} served, {len(failures)} failures [{len(exceptions)} exceptions]")
    if not_served:
        print("tcr conformance: not served: " + ", ".join(not_served))
    sys.exit(1 if failures else 0)


main()
