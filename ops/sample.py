"""Sample data, loaded over RPC by each service's own services/<name>/sample.py, then the
policy records (court cases and state preemption bills) of
services/toolkits/sample_policy.py, in the shape /work/helpers/sample-shape.md agrees."""
import importlib

from clearinghouse.config import Settings

SAMPLES = ["members", "toolkits", "notifications"]
POLICY = "services.toolkits.sample_policy"
STAFF = {"role": "staff"}  # the operator loads the samples


def load_policy(rpc, module) -> dict:
    """The docket's cases (each once: a case already there is left as it is) and the bill
    watch's bills (set_bill: the same bill again changes nothing). Loaded after the
    ordinances, which cases and bills name by jurisdiction and issue area."""
    counts = {"cases": 0, "bills": 0}
    cases = list(getattr(module, "CASES", []))
    present = rpc.toolkits.get_cases([c["slug"] for c in cases], caller=STAFF) if cases else []
    for case, there in zip(cases, present):
        if there is None:
            rpc.toolkits.record_case(case, caller=STAFF)
            counts["cases"] += 1
    for bill in getattr(module, "BILLS", []):
        rpc.toolkits.set_bill(bill, caller=STAFF)
        counts["bills"] += 1
    return counts


def load_all(settings: Settings) -> list[str]:
    from nameko.standalone.rpc import ClusterRpcProxy

    from .runner import module_exists
    loaded = []
    with ClusterRpcProxy(settings.nameko_config(), timeout=60) as rpc:
        for name in SAMPLES:
            module = f"services.{name}.sample"
            if not module_exists(module):
                continue
            importlib.import_module(module).load(rpc)
            loaded.append(name)
        if module_exists(POLICY):
            load_policy(rpc, importlib.import_module(POLICY))
            loaded.append("toolkits policy records")
    return loaded
