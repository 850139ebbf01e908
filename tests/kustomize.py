"""Build a kustomization in Python, for where `kubectl kustomize` is absent.

Handles only what deploy/kubernetes uses: `resources` (files and directories),
`namespace`, `images`, `replicas` and inline JSON 6902 `patches` aimed by kind and name.
Anything else is refused, so the overlay cannot quietly outgrow this; where kubectl is
present, tests/test_kubernetes.py holds this build equal to kubectl's.
"""

from pathlib import Path
from typing import Any

import yaml

SUPPORTED = {"apiVersion", "kind", "namespace", "resources", "images", "replicas", "patches"}
CLUSTER_SCOPED = {"Namespace", "ClusterRole", "ClusterRoleBinding", "IngressClass"}
SCALABLE = {"Deployment", "StatefulSet", "ReplicaSet"}

Manifest = dict[str, Any]


def build(directory: Path) -> list[Manifest]:
    spec = yaml.safe_load((directory / "kustomization.yaml").read_text())
    unknown = set(spec) - SUPPORTED
    if unknown:
        raise ValueError(f"{directory}: unsupported kustomization fields {sorted(unknown)}")
    manifests: list[Manifest] = []
    for entry in spec.get("resources", []):
        path = directory / entry
        if path.is_dir():
            manifests += build(path)
        else:
            manifests += [doc for doc in yaml.safe_load_all(path.read_text()) if doc]
    for patch in spec.get("patches", []):
        if set(patch) != {"target", "patch"} or set(patch["target"]) - {"kind", "name"}:
            raise ValueError(f"{directory}: only inline patches aimed by kind and name")
        operations = yaml.safe_load(patch["patch"])
        if not isinstance(operations, list):
            raise ValueError(f"{directory}: only JSON 6902 patches (a list of operations)")
        targets = [m for m in manifests if matches(m, patch["target"])]
        if not targets:
            raise ValueError(f"{directory}: a patch matches nothing: {patch['target']}")
        for manifest in targets:
            for operation in operations:
                apply(manifest, operation)
    for image in spec.get("images", []):
        for manifest in manifests:
            retag(manifest, image)
    for replica in spec.get("replicas", []):
        for manifest in manifests:
            if manifest["kind"] in SCALABLE and manifest["metadata"]["name"] == replica["name"]:
                manifest["spec"]["replicas"] = replica["count"]
    if "namespace" in spec:
        for manifest in manifests:
            if manifest["kind"] not in CLUSTER_SCOPED:
                manifest["metadata"]["namespace"] = spec["namespace"]
    return manifests


def matches(manifest: Manifest, target: dict[str, str]) -> bool:
    kind, name = manifest["kind"], manifest["metadata"]["name"]
    return target.get("kind", kind) == kind and target.get("name", name) == name


def apply(document: Manifest, operation: dict[str, Any]) -> None:
    """One JSON 6902 operation: add, replace or remove."""
    *parents, last = [
        part.replace("~1", "/").replace("~0", "~") for part in operation["path"].split("/")[1:]
    ]
    node: Any = document
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    op = operation["op"]
    if isinstance(node, list):
        index = len(node) if last == "-" else int(last)
        if op == "add":
            node.insert(index, operation["value"])
        elif op == "replace":
            node[index] = operation["value"]
        elif op == "remove":
            del node[index]
        else:
            raise ValueError(f"unsupported operation {op!r}")
    elif op == "add" or (op == "replace" and last in node):
        node[last] = operation["value"]
    elif op == "remove":
        del node[last]
    else:
        raise ValueError(f"cannot {op} {operation['path']}")


def retag(node: Any, image: dict[str, str]) -> None:
    """Set the new name, tag or digest of every container image named `image["name"]`."""
    if isinstance(node, list):
        for item in node:
            retag(item, image)
        return
    if not isinstance(node, dict):
        return
    for key, value in node.items():
        if key in {"containers", "initContainers"}:
            for container in value:
                container["image"] = renamed(container["image"], image)
        else:
            retag(value, image)


def renamed(reference: str, image: dict[str, str]) -> str:
    """`reference` with kustomize's `images` entry applied (references by tag only)."""
    name, colon, tag = reference.rpartition(":")
    if not colon or "/" in tag:  # no tag (a colon, if any, was a registry's port)
        name, tag = reference, ""
    if name != image["name"]:
        return reference
    name = image.get("newName", name)
    if "digest" in image:
        return f"{name}@{image['digest']}"
    tag = image.get("newTag", tag)
    return f"{name}:{tag}" if tag else name
