#!/usr/bin/env python3
"""Regenerates crds/*.json from Shipwright's CRD YAML files (maintenance tool, not part of the build).

Keeps only what the simulated cluster serves: the v1beta1 version's openAPIV3Schema (descriptions
removed: they are 80 % of the bytes and the sim has no use for them), names, scope, printer columns and
subresources.

    crds/extract.py /path/to/shipwright/crds/*.yaml
"""
import json
import os
import sys

import yaml


def strip(node):
    """Drops the schemas' "description" annotations; a field that is itself called description (a key of
    "properties") stays."""
    if isinstance(node, dict):
        out = {}
        for k, v in node.items():
            if k == "properties":
                out[k] = {name: strip(sub) for name, sub in v.items()}
            elif k != "description":
                out[k] = strip(v)
        return out
    if isinstance(node, list):
        return [strip(x) for x in node]
    return node


def main(paths):
    here = os.path.dirname(os.path.abspath(__file__))
    for path in paths:
        crd = yaml.safe_load(open(path))
        version = next(v for v in crd["spec"]["versions"] if v["name"] == "v1beta1")
        out = {
            "group": crd["spec"]["group"],
            "version": "v1beta1",
            "names": crd["spec"]["names"],
            "scope": crd["spec"]["scope"],
            "additionalPrinterColumns": version.get("additionalPrinterColumns", []),
            "subresources": version.get("subresources", {}),
            "schema": strip(version["schema"]["openAPIV3Schema"]),
        }
        name = crd["spec"]["names"]["plural"] + ".json"
        with open(os.path.join(here, name), "w") as f:
            json.dump(out, f, separators=(",", ":"), sort_keys=True)
            f.write("\n")


if __name__ == "__main__":
    main(sys.argv[1:])
