"""deploy/k8s renders with kustomize and every object is valid Kubernetes, offline.

Objects of the operators' kinds (RabbitmqCluster, MongoDBCommunity, Elasticsearch) have no
schema in kubernetes-validate: for those the fields we rely on are checked here."""
import shutil
import subprocess
from pathlib import Path

import kubernetes_validate
import pytest
import yaml

from clearinghouse.config import METRICS_PORTS, Settings

K8S = Path(__file__).resolve().parents[2] / "deploy" / "k8s"
KUBERNETES_VERSION = "1.32.0"
OPERATED = {("rabbitmq.com/v1beta1", "RabbitmqCluster"), ("mongodbcommunity.mongodb.com/v1", "MongoDBCommunity"),
            ("elasticsearch.k8s.elastic.co/v1", "Elasticsearch")}
PROCESSES = {**METRICS_PORTS, "gateway": 8000}


def render(overlay: str) -> list[dict]:
    kubectl = shutil.which("kubectl")
    assert kubectl, "kubectl (with its built-in kustomize) is needed to render deploy/k8s; install kubectl"
    out = subprocess.run([kubectl, "kustomize", str(K8S / overlay)], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return [doc for doc in yaml.safe_load_all(out.stdout) if doc]


@pytest.fixture(scope="module", params=["base", "overlays/production"])
def rendered(request):
    return request.param, render(request.param)


def of_kind(objects, kind):
    return {o["metadata"]["name"]: o for o in objects if o["kind"] == kind}


def test_every_object_is_valid_kubernetes(rendered):
    _, objects = rendered
    for obj in objects:
        if (obj["apiVersion"], obj["kind"]) in OPERATED:
            continue
        kubernetes_validate.validate(obj, KUBERNETES_VERSION, strict=True)


def test_each_process_runs_replicated_probed_bounded_and_unprivileged(rendered):
    overlay, objects = rendered
    deployments = of_kind(objects, "Deployment")
    assert set(deployments) == set(PROCESSES)
    for name, deployment in deployments.items():
        spec = deployment["spec"]
        assert spec["replicas"] >= (3 if overlay.endswith("production") else 2), name
        pod = spec["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True
        (container,) = pod["containers"]
        assert container["args"] == [name]
        port = {p["name"]: p["containerPort"] for p in container["ports"]}
        assert PROCESSES[name] in port.values(), f"{name} must expose its health port {PROCESSES[name]}"
        assert container["readinessProbe"]["httpGet"]["path"] == "/health/ready"
        assert container["livenessProbe"]["httpGet"]["path"] == "/health/live"
        assert port[container["readinessProbe"]["httpGet"]["port"]] == PROCESSES[name]
        assert {"cpu", "memory"} <= set(container["resources"]["requests"]) <= set(container["resources"]["limits"])
        assert container["securityContext"]["allowPrivilegeEscalation"] is False


def test_every_process_has_a_disruption_budget_and_the_gateway_an_autoscaler(rendered):
    _, objects = rendered
    budgets = of_kind(objects, "PodDisruptionBudget")
    assert {b["spec"]["selector"]["matchLabels"]["app.kubernetes.io/name"] for b in budgets.values()} == set(PROCESSES)
    (autoscaler,) = of_kind(objects, "HorizontalPodAutoscaler").values()
    assert autoscaler["spec"]["scaleTargetRef"]["name"] == "gateway"
    assert autoscaler["spec"]["minReplicas"] >= 2


def test_only_the_gateway_and_the_inbound_smtp_port_take_connections_from_outside(rendered):
    _, objects = rendered
    policies = of_kind(objects, "NetworkPolicy").values()
    deny = [p for p in policies if p["spec"]["podSelector"] == {"matchLabels": {"app.kubernetes.io/part-of": "clearinghouse"}}]
    assert deny and all("ingress" not in p["spec"] for p in deny), "a default-deny policy covers every process"
    open_to_all = {p["spec"]["podSelector"]["matchLabels"]["app.kubernetes.io/name"]: {q["port"] for q in rule["ports"]}
                   for p in policies for rule in p["spec"].get("ingress", []) if "from" not in rule}
    assert open_to_all == {"gateway": {8000}, "notifications": {2525}}, "only HTTP and the replies' SMTP port are open"
    service_pods = [p for p in policies if p["spec"]["podSelector"]["matchLabels"].get("app.kubernetes.io/component") == "service"]
    for policy in service_pods:
        for rule in policy["spec"]["ingress"]:
            assert all("namespaceSelector" in peer for peer in rule["from"])
            assert {p["port"] for p in rule["ports"]} <= set(METRICS_PORTS.values())


def test_production_runs_the_broker_and_stores_from_their_operators_with_three_nodes():
    objects = render("overlays/production")
    operated = {o["kind"]: o for o in objects if (o["apiVersion"], o["kind"]) in OPERATED}
    assert operated["RabbitmqCluster"]["spec"]["replicas"] == 3
    assert operated["MongoDBCommunity"]["spec"]["members"] == 3
    assert operated["MongoDBCommunity"]["spec"]["type"] == "ReplicaSet"
    assert sum(n["count"] for n in operated["Elasticsearch"]["spec"]["nodeSets"]) == 3
    assert not of_kind(objects, "StatefulSet"), "stores come from their operators, not home-made StatefulSets"
    assert {o["metadata"].get("namespace") for o in objects} == {"clearinghouse"}
    for deployment in of_kind(objects, "Deployment").values():
        env = {e["name"] for e in deployment["spec"]["template"]["spec"]["containers"][0]["env"]}
        assert {"MONGO_URI", "AMQP_URI", "ELASTICSEARCH_URL"} <= env


def test_replies_to_asks_reach_every_notifications_replica_on_the_inbound_smtp_port(rendered):
    _, objects = rendered
    inbound = of_kind(objects, "Service")["notifications-inbound"]["spec"]
    assert inbound["type"] == "LoadBalancer" and inbound["selector"] == {"app.kubernetes.io/name": "notifications"}
    assert [(p["port"], p["targetPort"]) for p in inbound["ports"]] == [(25, "smtp")]
    (container,) = of_kind(objects, "Deployment")["notifications"]["spec"]["template"]["spec"]["containers"]
    assert {p["name"]: p["containerPort"] for p in container["ports"]}["smtp"] == Settings().smtp_inbound_port
