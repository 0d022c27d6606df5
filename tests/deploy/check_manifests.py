#!/usr/bin/env python3
"""Checks deploy/kubernetes/*.yaml against Kubernetes' own API description
(Swagger 2.0, fetched by .ci/fetch-k8s-openapi.sh), strictly: an unknown
field anywhere is an error, as `kubectl apply --validate=strict` would say.

  python3 tests/deploy/check_manifests.py [SWAGGER_JSON]

Default SWAGGER_JSON: target/k8s-openapi/kubernetes-1.27.0-swagger.json.
"""

import copy
import glob
import json
import os
import sys

import jsonschema
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT = os.path.join(ROOT, "target", "k8s-openapi", "kubernetes-1.27.0-swagger.json")


def strict(schema):
    """The schema with unknown properties refused wherever properties are listed."""
    s = copy.deepcopy(schema)

    def walk(node):
        if isinstance(node, dict):
            if "properties" in node and "additionalProperties" not in node:
                node["additionalProperties"] = False
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(s)
    return s


def load_definitions(path):
    with open(path) as f:
        swagger = json.load(f)
    defs = strict(swagger["definitions"])
    # Formats the description names but JSON Schema cannot express.
    defs["io.k8s.apimachinery.pkg.util.intstr.IntOrString"] = {"type": ["string", "integer"]}
    defs["io.k8s.apimachinery.pkg.api.resource.Quantity"] = {"type": ["string", "number"]}
    kinds = {}
    for name, d in swagger["definitions"].items():
        for gvk in d.get("x-kubernetes-group-version-kind", []):
            group = gvk["group"]
            api = f"{group}/{gvk['version']}" if group else gvk["version"]
            kinds[(api, gvk["kind"])] = name
    return defs, kinds


def check(paths, swagger):
    defs, kinds = load_definitions(swagger)
    problems, seen = [], []
    for path in paths:
        with open(path) as f:
            docs = [d for d in yaml.safe_load_all(f) if d is not None]
        for doc in docs:
            key = (doc.get("apiVersion"), doc.get("kind"))
            name = kinds.get(key)
            where = f"{os.path.relpath(path, ROOT)}: {key[1]} {doc.get('metadata', {}).get('name')}"
            if name is None:
                problems.append(f"{where}: no such kind in Kubernetes' API ({key[0]})")
                continue
            schema = {"$ref": f"#/definitions/{name}", "definitions": defs}
            validator = jsonschema.Draft4Validator(schema)
            for e in sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path)):
                at = "/".join(str(p) for p in e.absolute_path)
                problems.append(f"{where}: {at}: {e.message[:300]}")
            seen.append(where)
    return seen, problems


def main():
    swagger = sys.argv[1] if len(sys.argv) > 1 else DEFAULT
    if not os.path.exists(swagger):
        sys.exit(f"{swagger} not found: run `sh .ci/fetch-k8s-openapi.sh target/k8s-openapi`")
    paths = sorted(glob.glob(os.path.join(ROOT, "deploy", "kubernetes", "*.yaml")))
    seen, problems = check(paths, swagger)
    for s in seen:
        print(f"checked {s}")
    if problems:
        print("\n".join(problems), file=sys.stderr)
        sys.exit(f"{len(problems)} problem(s) against Kubernetes' schema")
    # The check itself must catch a misspelt field.
    bad = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "x"},
           "spec": {"ports": [{"port": 80, "targetport": 80}]}}
    defs, kinds = load_definitions(swagger)
    v = jsonschema.Draft4Validator({"$ref": f"#/definitions/{kinds[('v1', 'Service')]}", "definitions": defs})
    if not list(v.iter_errors(bad)):
        sys.exit("the check accepts an unknown field: it would prove nothing")
    print(f"{len(seen)} objects match Kubernetes' API schema ({os.path.basename(swagger)})")


if __name__ == "__main__":
    main()
