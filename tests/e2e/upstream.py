"""Checks recorded requests against the UPSTREAM API descriptions in
../shared/upstream (not against our spec/, which is derived from them: a
mistake made when importing them would otherwise stay invisible).

- Portainer routes are checked against Portainer EE 2.45.3's OpenAPI 3.0
  description, the one spec/ is imported from and the version front.py
  claims. (CE 2.39.0's file is an older release, converted by a third
  party, and fails openapi-core's own check of the description:
  /endpoints/{id}/kubernetes/helm/{release}/history declares no `release`.)
- /api/endpoints/{id}/docker/{path} is Portainer's passthrough, described
  by neither Portainer file: {id} must be an integer, and {path} (with an
  optional /v1.41 version prefix) is checked against the Docker Engine API
  1.41 Swagger 2.0 description, converted here to OpenAPI 3.0.

The checking itself is openapi-core's (path template, method, required
path/query/header parameters, their types and enums, the JSON body against
the requestBody schema with $refs resolved). Security requirements are not
checked: authentication (X-API-Key) is the front's business, not the
description's. A record is what front.py --record writes: method, path,
query (raw), headers, content_type, body.

    python3 upstream.py requests.jsonl   # prints every mismatch
"""

import base64
import email
import json
import os
import re
import sys
from pathlib import Path
from urllib.parse import parse_qsl

import jsonschema
import yaml
from openapi_core import OpenAPI
from openapi_core.validation.request.validators import V30RequestBodyValidator, V30RequestParametersValidator
from openapi_core.testing import MockRequest
from openapi_core.validation.request.exceptions import MissingRequestBody

UPSTREAM = Path(os.environ.get("E2E_UPSTREAM", Path(__file__).resolve().parents[3] / "shared" / "upstream"))
EE_FILE = UPSTREAM / "portainer-ee-2.45.3.openapi.yaml"
CE_FILE = UPSTREAM / "portainer-ce-2.39.0.openapi.yaml"
DOCKER_FILE = UPSTREAM / "docker-engine-api-1.41.swagger.yaml"
# Kubernetes 1.27.0's own description, from a Debian package (.ci/fetch-k8s-openapi.sh).
K8S_FILE = Path(os.environ.get("E2E_K8S_OPENAPI", Path(__file__).resolve().parents[2] / "target" / "k8s-openapi"
                               / "kubernetes-1.27.0-swagger.json"))

PASSTHROUGH = re.compile(r"^/api/endpoints/(?P<id>[^/]+)/(?P<kind>docker|kubernetes)(?P<rest>/.*)?$")
DOCKER_VERSION_PREFIX = re.compile(r"^/v1\.41(?=/)")


def load_yaml(path):
    with open(path, encoding="utf-8") as f:
        return yaml.load(f, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def walk(node, fn):
    """Calls fn on every mapping inside node (depth first, in place)."""
    if isinstance(node, dict):
        fn(node)
        for v in node.values():
            walk(v, fn)
    elif isinstance(node, list):
        for v in node:
            walk(v, fn)


def for_requests(doc):
    """Fix-ups shared by every description, for checking requests only.

    - Responses are reduced to a bare default. Only requests are checked,
      and Portainer's responses are where its known flaws sit: `*/*`
      content types (which say nothing about the JSON it really sends) and
      examples that break their own schemas (upstream README).
    - Every `example`/`examples` is dropped for the same reason: examples
      constrain no request, and some of Portainer's break their own schemas
      (e.g. Endpoint.Status 0, outside its enum), which a stricter check of
      the description would trip on.
    """
    for item in doc.get("paths", {}).values():
        for op in item.values():
            if isinstance(op, dict) and "responses" in op:
                op["responses"] = {"default": {"description": ""}}

    def drop_examples(node, in_properties=False):
        # Not inside a `properties` map, where "example" would be a
        # property's name rather than the keyword.
        if isinstance(node, dict):
            if not in_properties:
                node.pop("example", None)
                node.pop("examples", None)
            for k, v in node.items():
                drop_examples(v, k == "properties" and not in_properties)
        elif isinstance(node, list):
            for v in node:
                drop_examples(v)

    drop_examples(doc)
    declare_path_params(doc)
    walk(doc, dedupe_enum)
    return doc


def dedupe_enum(node):
    """CE 2.39.0 lists fs.FileMode's enum values twice, which the
    description's own schema forbids (uniqueItems)."""
    if isinstance(node.get("enum"), list):
        seen = []
        for v in node["enum"]:
            if v not in seen:
                seen.append(v)
        node["enum"] = seen


def declare_path_params(doc):
    """CE 2.39.0's /endpoints/{id}/kubernetes/helm/{release}/history declares
    `name` instead of `release`: a declared path parameter the template does
    not have is renamed to the one it lacks (or dropped), and a template
    parameter left undeclared becomes a string, so that openapi-core accepts
    the description at all."""
    for path, item in doc.get("paths", {}).items():
        names = re.findall(r"{([^}]+)}", path)
        shared = {p.get("name") for p in item.get("parameters", []) if p.get("in") == "path"}
        for op in item.values():
            if not isinstance(op, dict) or "responses" not in op:
                continue
            params = op.setdefault("parameters", [])
            declared = shared | {p.get("name") for p in params if p.get("in") == "path"}
            lacking = [n for n in names if n not in declared]
            for p in list(params):
                if p.get("in") == "path" and p.get("name") not in names:
                    if lacking:
                        p["name"] = lacking.pop(0)
                    else:
                        params.remove(p)
            for n in lacking:
                params.append({"name": n, "in": "path", "required": True, "schema": {"type": "string"}})


def portainer_doc(path):
    return with_errata(for_requests(load_yaml(path)))


# Swagger 2.0 parameter keywords that are schema keywords in OpenAPI 3.0.
SCHEMA_KEYS = ("type", "format", "enum", "items", "default", "pattern", "minimum", "maximum",
               "minLength", "maxLength", "minItems", "maxItems", "uniqueItems")


def swagger2_doc(path):
    """A Swagger 2.0 description (Docker's, Kubernetes') as OpenAPI 3.0,
    converted only as far as request checking needs: definitions become components/schemas,
    x-nullable becomes nullable, non-body parameters get a schema, the body
    parameter becomes a requestBody for the operation's `consumes` types.
    Docker's version prefix (basePath /v1.41) is optional on a real engine,
    so paths are served at / and the caller strips /v1.41."""
    sw = load_yaml(path)

    def fix_schema(node):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/definitions/"):
            node["$ref"] = "#/components/schemas/" + ref[len("#/definitions/"):]
        if node.pop("x-nullable", False) is True:
            node["nullable"] = True
        # Swagger 2's discriminator is a property name; OpenAPI 3.0's an object.
        if isinstance(node.get("discriminator"), str):
            node["discriminator"] = {"propertyName": node["discriminator"]}

    walk(sw, fix_schema)
    # Kubernetes' int-or-string is no format a validator knows; its schema
    # says what it is.
    walk(sw, lambda n: n.pop("format") if n.get("format") == "int-or-string" else None)
    global_consumes = sw.get("consumes", ["application/json"])
    paths = {}
    for route, item in sw["paths"].items():
        common = item.get("parameters", [])
        out = {}
        for method, op in item.items():
            if method == "parameters":
                continue
            params, body = [], None
            for prm in common + op.get("parameters", []):
                if prm["in"] == "body":
                    content = {ct: {"schema": prm.get("schema", {})} for ct in op.get("consumes", global_consumes)}
                    body = {"required": bool(prm.get("required")), "content": content}
                    continue
                if prm["in"] == "formData":
                    raise ValueError(f"{method} {route}: formData parameters are not converted")
                if prm["in"] == "header" and prm["name"].lower() in ("content-type", "accept", "authorization"):
                    # OpenAPI 3.0 ignores these as parameters; the media
                    # type of the body is checked through requestBody.
                    continue
                new = {"name": prm["name"], "in": prm["in"], "required": bool(prm.get("required")),
                       "schema": {k: prm[k] for k in SCHEMA_KEYS if k in prm}}
                if prm.get("type") == "array":
                    # Swagger 2's default collectionFormat (csv) is form, not exploded.
                    new["style"], new["explode"] = "form", prm.get("collectionFormat") == "multi"
                params.append(new)
            out[method] = {"operationId": op.get("operationId", f"{method} {route}"), "parameters": params,
                           "responses": {"default": {"description": ""}}}
            if body:
                out[method]["requestBody"] = body
        paths[route] = out
    return {
        "openapi": "3.0.3",
        "info": {"title": sw["info"]["title"], "version": sw["info"]["version"]},
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {"schemas": sw.get("definitions", {})},
    }


# Requirements a description states that the server it describes does not
# make: (field, description file) -> why the check lets its absence pass.
FORM_ERRATA = {
    ("EdgeTunnelServerAddress", "portainer-ce-2.39.0.openapi.yaml"):
        "CE 2.39.0 marks it required for every environment; EE 2.45.3's description of the same "
        "form says it is needed only for Edge environments when Portainer has no tunnel address set",
}


# Kubernetes' patch media types, read as the API server reads them.
PATCH_TYPES = {
    "application/json-patch+json": json.loads,
    "application/merge-patch+json": json.loads,
    "application/strategic-merge-patch+json": json.loads,
    "application/apply-patch+yaml": lambda b: yaml.safe_load(b),
}


def kubernetes_doc(path):
    """Kubernetes' description, converted like Docker's, with one fix-up:
    it gives every PATCH body the one Patch type (an object), while a JSON
    patch (RFC 6902, application/json-patch+json) is a list of operations."""
    doc = swagger2_doc(path)
    for item in doc["paths"].values():
        media = item.get("patch", {}).get("requestBody", {}).get("content", {})
        if "application/json-patch+json" in media:
            media["application/json-patch+json"] = {"schema": {"type": "array", "items": {"type": "object"}}}
        # Other bodies are declared for `*/*` (the server reads JSON, YAML
        # and protobuf); openapi-core would not parse a JSON one under that.
        for op in item.values():
            content = op.get("requestBody", {}).get("content", {}) if isinstance(op, dict) else {}
            if "*/*" in content and "application/json" not in content:
                content["application/json"] = content["*/*"]
    return doc


class Api:
    def __init__(self, name, doc, base_url, prefix="", bracket_arrays=False):
        self.name = name
        self.bracket_arrays = bracket_arrays
        self.api = OpenAPI.from_dict(doc)  # also validates the (fixed) description
        self.base_url = base_url
        self.validators = (V30RequestParametersValidator(self.api.spec),
                           V30RequestBodyValidator(self.api.spec, extra_media_type_deserializers=PATCH_TYPES))
        self.doc = doc
        # Path templates as regular expressions ({name}: one segment), the
        # most literal first, as OpenAPI prefers a concrete path to a template.
        templates = [(re.compile("^" + "[^/]+".join(re.escape(part) for part in re.split(r"\{[^/}]+\}", prefix + p))
                                 + "$"), p) for p in doc["paths"]]
        self.templates = sorted(templates, key=lambda t: t[1].count("{"))

    def template(self, path):
        return next((p for t, p in self.templates if t.match(path)), None)

    def describes(self, path):
        """Whether some path template of this description matches."""
        return self.template(path) is not None

    def query_params(self, path, method):
        """name -> the query parameters the operation declares (None: no operation)."""
        item = self.doc["paths"].get(self.template(path) or "", {})
        op = item.get(method.lower())
        if not isinstance(op, dict):
            return None
        out = {}
        for prm in item.get("parameters", []) + op.get("parameters", []):
            if "$ref" in prm:
                prm = self.doc["components"]["parameters"][prm["$ref"].rsplit("/", 1)[-1]]
            if prm.get("in") == "query":
                out[prm["name"]] = prm
        return out

    def form_errors(self, path, method, content_type, body):
        """A multipart/form-data body, checked field by field. Form values
        are text on the wire; openapi-core does not cast them, so each is
        read here the way Portainer's form reader does (integers, booleans,
        and arrays as JSON text, which EE 2.45.3's description says outright
        for TagIds), then validated against the operation's schema. None:
        the operation takes no such form."""
        item = self.doc["paths"].get(self.template(path) or "", {})
        op = item.get(method.lower()) or {}
        media = op.get("requestBody", {}).get("content", {}).get("multipart/form-data")
        if not media:
            return None
        schema = media.get("schema", {})
        msg = email.message_from_bytes(
            b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + (body or b""))
        fields = {}
        for part in msg.get_payload() if msg.is_multipart() else []:
            name = part.get_param("name", header="content-disposition")
            fields[name] = part.get_payload(decode=True).decode("utf-8")
        props = schema.get("properties", {})
        out, value = [], {}
        for name, text in fields.items():
            kind = props.get(name, {}).get("type")
            try:
                value[name] = (int(text) if kind == "integer"
                               else {"true": True, "false": False}[text] if kind == "boolean"
                               else json.loads(text) if kind == "array"
                               else text)
            except (ValueError, KeyError):
                out.append(f"form field `{name}`: {text!r} is not read as {kind}")
        for name in fields:
            if name not in props:
                out.append(f"form field `{name}` is not described")
        for e in jsonschema.Draft4Validator({k: v for k, v in schema.items() if k != "required"}).iter_errors(value):
            out.append(f"form: {e.message}")
        for name in schema.get("required", []):
            if name not in value and (name, self.name) not in FORM_ERRATA:
                out.append(f"form field `{name}` is required")
        return out

    def portainer_arrays(self, pairs, declared):
        """Portainer reads an array query parameter only as a repeated
        `name[]` (libhttp's RetrieveArrayQueryParameter: r.Form[name + "[]"]),
        whatever style its description declares (form, not exploded, under
        the bare name): a known flaw of the description, which our importer
        fixes the same way (xtask/src/import.rs). So `name[]=1&name[]=2` is
        checked as the description's `name=1,2`, and the bare `name`, which
        the server would ignore, is a mismatch."""
        problems, out, arrays = [], [], {}
        for name, value in pairs:
            base = name[:-2] if name.endswith("[]") else None
            if base is not None and declared.get(base, {}).get("schema", {}).get("type") == "array":
                arrays.setdefault(base, []).append(value)
            else:
                if declared.get(name, {}).get("schema", {}).get("type") == "array":
                    problems.append(f"array query parameter `{name}` sent bare; Portainer reads only `{name}[]`")
                out.append((name, value))
        for base, values in arrays.items():
            prm = declared[base]
            explode = prm.get("explode", prm.get("style", "form") == "form")
            out += [(base, v) for v in values] if explode else [(base, ",".join(values))]
        return problems, out

    def errors(self, method, path, query, headers, content_type, body):
        if isinstance(body, str):
            body = body.encode("utf-8")
        seen, out = set(), []
        pairs = parse_qsl(query, keep_blank_values=True)
        declared = self.query_params(path, method)
        if declared is not None:
            if self.bracket_arrays:
                problems, pairs = self.portainer_arrays(pairs, declared)
                out += problems
            # Beyond openapi-core, which lets undeclared query parameters
            # through: a server ignores a name it does not know, so a
            # misspelt or invented parameter silently does nothing.
            for name in dict.fromkeys(n for n, _ in pairs):
                if name not in declared:
                    out.append(f"query parameter `{name}` is not described "
                               f"(declared: {', '.join(sorted(declared)) or 'none'})")
        # openapi-core's own request object for tests: it takes the query
        # as (name, value) pairs, so a repeated name stays repeated.
        form = None
        if (content_type or "").startswith("multipart/form-data"):
            form = self.form_errors(path, method, content_type, body)
            out += form or []
        req = MockRequest(self.base_url, method.lower(), path,
                          args=pairs,
                          headers=headers, data=body,
                          content_type=content_type or "application/json")
        # A form checked above: only the parameters are left to openapi-core.
        validators = self.validators[:1] if form is not None else self.validators
        for v in validators:
            for e in v.iter_errors(req):
                # openapi-core reports an absent optional body too (a
                # Kubernetes DELETE's DeleteOptions); only a required one counts.
                if type(e) is MissingRequestBody:
                    continue
                msg = describe(e)
                if msg not in seen:  # path/method errors come from both validators
                    seen.add(msg)
                    out.append(msg)
        return out


def describe(e):
    """The error with its causes, down to the schema errors' own words."""
    parts, cur = [str(e) or type(e).__name__], e.__cause__
    while cur is not None:
        schema_errors = getattr(cur, "schema_errors", None)
        if schema_errors:
            for sub in schema_errors:
                where = "/".join(str(p) for p in sub.absolute_path)
                parts.append(f"{where + ': ' if where else ''}{sub.message}"[:300])
        elif str(cur):
            parts.append(str(cur)[:300])
        cur = cur.__cause__
    return " | ".join(dict.fromkeys(parts))


# Parameters a description requires that the server does not: (path,
# name) -> why the check lets their absence pass.
QUERY_ERRATA = {
    ("/websocket/pod", "token"):
        "Portainer's bouncer takes the X-API-Key header on websocket routes as on every other "
        "(api/http/security/bouncer.go); the `token` query is the browser's way, which cannot set headers",
}


def with_errata(doc):
    for (path, name), _why in QUERY_ERRATA.items():
        for op in doc["paths"].get(path, {}).values():
            for prm in op.get("parameters", []) if isinstance(op, dict) else []:
                if prm.get("name") == name:
                    prm["required"] = False
    return doc


class UpstreamCheck:
    def __init__(self, portainer=EE_FILE, docker=DOCKER_FILE, older=CE_FILE, kubernetes=K8S_FILE):
        self.portainer = Api(Path(portainer).name, portainer_doc(portainer), "http://portainer", prefix="/api",
                             bracket_arrays=True)
        # Routes EE 2.45.3's description leaves out (the websocket ones) but
        # CE 2.39.0's describes are checked against that one.
        self.older = Api(Path(older).name, portainer_doc(older), "http://portainer", prefix="/api",
                         bracket_arrays=True)
        self.docker = Api(Path(docker).name, swagger2_doc(docker), "http://docker")
        self.kubernetes = Api(Path(kubernetes).name, kubernetes_doc(kubernetes), "http://kubernetes")

    def check(self, rec):
        """Mismatches of one recorded request with the upstream descriptions
        (an empty list: it matches; None: nothing here describes it, i.e.
        the Metrics API, an aggregated API whose description no package
        we can reach ships)."""
        method, path, query = rec["method"], rec["path"], rec.get("query", "")
        headers = {k: v for k, v in rec.get("headers", {}).items()}
        body = rec.get("body")
        if body is None and "body_base64" in rec:
            body = base64.b64decode(rec["body_base64"])
        body = body or None
        content_type = rec.get("content_type")
        # Portainer's own routes first: some sit under the passthrough
        # prefixes (/endpoints/{id}/kubernetes/helm, .../docker/v2/browse/put).
        m = PASSTHROUGH.match(path)
        if m and not self.portainer.describes(path):
            problems = []
            if not m["id"].isdigit():
                problems.append(f"environment id `{m['id']}` is not an integer")
            rest = m["rest"] or "/"
            if m["kind"] == "docker":
                rest = DOCKER_VERSION_PREFIX.sub("", rest)
                return problems + self.docker.errors(method, rest, query, headers, content_type, body)
            if rest.startswith("/apis/metrics.k8s.io/"):
                return problems or None
            # Discovery is described with a trailing slash (/api/v1/).
            if not self.kubernetes.describes(rest) and self.kubernetes.describes(rest + "/"):
                rest += "/"
            return problems + self.kubernetes.errors(method, rest, query, headers, content_type, body)
        if not path.startswith("/api/"):
            return ["outside /api, where Portainer's API is served"]
        if not self.portainer.describes(path) and self.older.describes(path):
            return self.older.errors(method, path, query, headers, content_type, body)
        return self.portainer.errors(method, path, query, headers, content_type, body)

    def mismatches(self, records, unchecked=None):
        """`METHOD path?query: problems` for every record that does not
        match; those nothing here describes go to `unchecked` if given."""
        out = []
        for rec in records:
            errs = self.check(rec)
            target = f"{rec['method']} {rec['path']}" + ("?" + rec["query"] if rec.get("query") else "")
            if errs is None and unchecked is not None:
                unchecked.append(target)
            elif errs:
                out.append(f"{target}: " + "; ".join(errs))
        return out


if __name__ == "__main__":
    check = UpstreamCheck()
    recs = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8") if line.strip()]
    bad = check.mismatches(recs)
    print("\n".join(bad) or f"all {len(recs)} requests match")
    sys.exit(1 if bad else 0)
