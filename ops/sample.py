"""Sample data, loaded over RPC by each service's own services/<name>/sample.py."""
import importlib

from clearinghouse.config import Settings

SAMPLES = ["members", "toolkits", "notifications"]


def load_all(settings: Settings) -> list[str]:
    from nameko.standalone.rpc import ClusterRpcProxy
    loaded = []
    with ClusterRpcProxy(settings.nameko_config(), timeout=60) as rpc:
        for name in SAMPLES:
            module = f"services.{name}.sample"
            from .runner import module_exists
            if not module_exists(module):
                continue
            importlib.import_module(module).load(rpc)
            loaded.append(name)
    return loaded
