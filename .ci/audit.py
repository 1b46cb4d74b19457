"""Reads pip-audit's JSON report on stdin and says plainly what it checked: how many packages were audited, how many
could not be (pip-audit skips those the network serves no advisories for), and every known vulnerability found.
Exits 1 on a vulnerability, so CI fails; never claims a clean audit of packages it did not audit."""

import json
import sys

report = json.load(sys.stdin)
packages = report["dependencies"]
skipped = [p["name"] for p in packages if "skip_reason" in p]
vulnerable = [(p["name"], p["version"], v["id"]) for p in packages for v in p.get("vulns", [])]
audited = len(packages) - len(skipped)
print(f"ci: pip-audit audited {audited} of {len(packages)} installed packages; "
      f"{len(skipped)} could not be audited from this network", end="")  # fmt: skip
if audited == 0:
    print(": nothing was checked for known vulnerabilities")
elif vulnerable:
    print(f"; {len(vulnerable)} known vulnerabilities:")
    for name, version, advisory in vulnerable:
        print(f"  {name} {version}: {advisory}")
    sys.exit(1)
else:
    print(f"; no known vulnerabilities in the {audited} audited")
