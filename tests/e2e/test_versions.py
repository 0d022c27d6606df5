"""One catalogue, two Portainers (issue 12): a front answering as CE 2.39.0
beside the suite's EE 2.45.3 one, over the same real engine.

- tools/list differs between them exactly as generated/compatibility.md says;
- every tool is called once against the CE front with every argument CE
  offers, and each request it received is checked against CE 2.39.0's
  UPSTREAM description (../shared/upstream), not against our spec/;
- an argument CE lacks is refused before anything is sent.
"""

import asyncio
import re
from pathlib import Path

import pytest

from conftest import Front
from test_real_engine import session, text
from test_upstream_conformance import SWEEP
from upstream import CE_FILE, UpstreamCheck

TABLE = Path(__file__).resolve().parents[2] / "generated" / "compatibility.md"
CE = "CE 2.39.0"


def table():
    """(tools CE lacks, {tool: arguments CE lacks}) as the table says."""
    text = TABLE.read_text()
    missing = set(re.findall(rf"^- `(\w+)` on {re.escape(CE)}:", text, re.M))
    args = {}
    for line in text.splitlines():
        m = re.match(r"^- `(\w+)`: `([^`]+)`: not in (.*)$", line)
        if m and CE in re.sub(r" \(there: [^)]*\)", "", m[3]).split(", "):
            args.setdefault(m[1], set()).add(m[2])
    return missing, args


@pytest.fixture(scope="module")
def ce_front(world):
    engine, _, _ = world
    front = Front(engine, version="2.39.0", edition="CE")
    front.start()
    try:
        yield front
    finally:
        front.stop()


async def listing(url):
    async with session(url, "--toolsets", "all") as s:
        return {t.name: set(t.inputSchema.get("properties", {})) for t in (await s.list_tools()).tools}


def test_tools_list_differs_as_the_table_says(world, ce_front):
    _, ee_front, _ = world
    ee, ce = asyncio.run(listing(ee_front.url)), asyncio.run(listing(ce_front.url))
    missing, args = table()
    assert set(ee) - set(ce) == missing
    assert set(ce) <= set(ee)
    diff = {name: ee[name] - ce[name] for name in ce if ee[name] != ce[name]}
    assert diff == args, "arguments CE lacks, by tool"
    assert not any(ce[name] - ee[name] for name in ce), "CE offers nothing EE does not"
    assert args, "the table lists arguments CE 2.39.0 lacks (stack_delete's remove_volumes, ...)"


def test_a_sweep_against_ce_sends_only_what_ce_describes(ce_front):
    missing, args = table()
    outcomes = {}

    async def go():
        async with session(ce_front.url, "--toolsets", "all") as s:
            served = {t.name for t in (await s.list_tools()).tools}
            assert served == set(SWEEP) - missing
            for name in sorted(served):
                call = {k: v for k, v in SWEEP[name].items() if k not in args.get(name, set())}
                try:
                    r = await s.call_tool(name, call)
                    outcomes[name] = ("error: " if r.isError else "ok: ") + text(r)[:120]
                except Exception as e:  # a refusal before any request is an outcome too
                    outcomes[name] = f"raised: {e}"

    asyncio.run(go())
    refused = {n: o for n, o in outcomes.items() if "unknown argument" in o}
    assert refused == {}, "every argument kept is one CE offers"
    records = ce_front.recorded()
    paths = {r["path"] for r in records}
    assert "/api/system/version" in paths and "/api/endpoints" in paths
    unchecked = []
    bad = UpstreamCheck(portainer=CE_FILE).mismatches(records, unchecked)
    print(f"{len(records)} requests to the CE front, {len(bad)} off CE 2.39.0's upstream description, "
          f"{len(unchecked)} to the Metrics API (no description here)")
    assert bad == [], "requests CE 2.39.0 does not describe:\n" + "\n".join(dict.fromkeys(bad))


def test_an_argument_ce_lacks_is_refused_before_sending(ce_front):
    before = len(ce_front.recorded())

    async def go():
        async with session(ce_front.url, "--toolsets", "all") as s:
            r = await s.call_tool("stack_delete", {"environment_id": 1, "id": 4242, "remove_volumes": True,
                                                   "confirm": True})
            assert r.isError and "unknown argument `remove_volumes`" in text(r), text(r)

    asyncio.run(go())
    sent = [r for r in ce_front.recorded()[before:] if r["path"].startswith("/api/stacks")]
    assert sent == [], "nothing reached the stacks route"
