#!/usr/bin/env sh
# The alert rules and the Grafana dashboard in deploy/: promtool (Debian's
# prometheus package) checks the rules, runs their unit tests, and parses
# every dashboard query as a recording rule with Grafana's variables filled
# in. tests/it/concerns/http/metrics_listener.rs checks the metric names against a live scrape.
set -eu
cd "$(dirname "$0")/../deploy"
promtool check rules prometheus/alerts.yml
(cd prometheus && promtool test rules alerts_test.yml)
out=$(mktemp -d)
python3 - grafana/portainer-mcp.json "$out/dashboard-rules.yml" <<'PY'
import json, sys
dash = json.load(open(sys.argv[1]))
rules = []
for p in dash["panels"]:
    for t in p.get("targets", []):
        expr = (t["expr"].replace("$__rate_interval", "5m").replace("$__range", "1h")
                .replace("$instance", ".*"))
        rules.append({"record": f"dashboard:panel{p['id']}:{t['refId'].lower()}", "expr": expr})
assert rules, "the dashboard has queries"
json.dump({"groups": [{"name": "dashboard", "rules": rules}]}, open(sys.argv[2], "w"))
print(f"{len(rules)} dashboard queries")
PY
promtool check rules "$out/dashboard-rules.yml"
rm -r "$out"
