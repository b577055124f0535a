#!/usr/bin/env python3
"""Offline checks of deploy/, docker-compose.yml and .dockerignore (no Docker engine, no cluster).

  python3 deploy/validate.py               run every check
  python3 deploy/validate.py --sync-rules  rewrite k8s/prometheus-rules.yaml from alerts.yml first

Each check prints PASS, FAIL or SKIP (a tool that is not installed is a SKIP, never a PASS).
Tools used when present: python3-yaml (required), promtool (Debian: prometheus), yamllint,
docker compose or docker-compose, kubectl kustomize or kustomize, apt-cache. Exit status 1 on
any FAIL.
"""
import fnmatch
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

import yaml

DEPLOY = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(DEPLOY)
# name -> (gRPC port, metrics port); the one table every file is checked against.
SERVICES = {
    "membership": (50051, 9461),
    "meetings": (50052, 9462),
    "decisions": (50053, 9463),
    "assessment": (50054, 9464),
}
# The plaintext health-only port of each service in Kubernetes (--health_listen), for probes.
HEALTH_PORTS = {"membership": 8081, "meetings": 8082, "decisions": 8083, "assessment": 8084}
DRAIN_TIMEOUT_S = 10
ALERTS = os.path.join(DEPLOY, "prometheus", "alerts.yml")
RULES_CR = os.path.join(DEPLOY, "k8s", "prometheus-rules.yaml")
RULES_CR_HEADER = """\
# The alerts of deploy/prometheus/alerts.yml as a Prometheus Operator PrometheusRule. Apply it
# separately (it needs the operator's CRD, so it is not in the kustomizations):
#   kubectl apply -f deploy/k8s/prometheus-rules.yaml
# Generated: edit alerts.yml, then run `python3 deploy/validate.py --sync-rules`.
# If your Prometheus selects rules by a label (for example release: <helm release>), add it to
# RULES_CR_HEADER in deploy/validate.py.
apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata:
  name: coalition
  namespace: coalition
  labels:
    app.kubernetes.io/part-of: coalition
spec:
"""

results = []


def report(status, name, detail=""):
    results.append(status)
    print(f"{status:4} {name}" + (f": {detail}" if detail else ""))


def check(name):
    """Runs the decorated function as one check: it returns a SKIP reason or None, or raises."""
    def wrap(fn):
        try:
            skipped = fn()
        except AssertionError as e:
            report("FAIL", name, str(e))
        except subprocess.CalledProcessError as e:
            out = (e.stdout or "") + (e.stderr or "")
            report("FAIL", name, f"{' '.join(e.cmd)}\n{out.strip()}")
        except (KeyError, IndexError, TypeError, ValueError) as e:
            report("FAIL", name, f"missing or malformed: {type(e).__name__} {e}")
        else:
            if skipped:
                report("SKIP", name, skipped)
            else:
                report("PASS", name)
        return fn
    return wrap


def run(*cmd, cwd=ROOT, env=None):
    return subprocess.run(cmd, cwd=cwd, env=env, check=True, capture_output=True, text=True)


def rel(path):
    return os.path.relpath(path, ROOT)


def yaml_files():
    found = [os.path.join(ROOT, "docker-compose.yml")]
    for d, _, files in os.walk(DEPLOY):
        found += [os.path.join(d, f) for f in files if f.endswith((".yml", ".yaml"))]
    return sorted(found)


def load(path):
    with open(path) as f:
        return yaml.safe_load(f)


def read(path):
    with open(path) as f:
        return f.read()


def sync_rules():
    src = read(ALERTS)
    body = src[src.index("groups:"):]
    text = RULES_CR_HEADER + "".join(("  " + l if l.strip() else l)
                                     for l in body.splitlines(True))
    with open(RULES_CR, "w") as f:
        f.write(text)
    print(f"wrote {rel(RULES_CR)}")


if "--sync-rules" in sys.argv[1:]:
    sync_rules()


@check("every YAML file parses (python3-yaml)")
def _():
    for p in yaml_files():
        with open(p) as f:
            try:
                list(yaml.safe_load_all(f))
            except yaml.YAMLError as e:
                raise AssertionError(f"{rel(p)}: {e}")


@check("yamllint (deploy/yamllint.yml)")
def _():
    if not shutil.which("yamllint"):
        return "yamllint not installed (apt-get install yamllint)"
    run("yamllint", "-s", "-c", os.path.join(DEPLOY, "yamllint.yml"), *yaml_files())


@check("promtool check config (compose, local)")
def _():
    if not shutil.which("promtool"):
        return "promtool not installed (apt-get install prometheus)"
    run("promtool", "check", "config", "prometheus.yml", "prometheus-local.yml",
        cwd=os.path.join(DEPLOY, "prometheus"))


@check("promtool check config (kubernetes)")
def _():
    if not shutil.which("promtool"):
        return "promtool not installed"
    try:
        run("promtool", "check", "config", "prometheus-kubernetes.yml",
            cwd=os.path.join(DEPLOY, "prometheus"))
    except subprocess.CalledProcessError as e:
        # Debian's Prometheus is built without Kubernetes service discovery.
        if "field kubernetes_sd_configs not found" in e.stdout + e.stderr:
            return "this promtool build has no kubernetes_sd_configs (YAML parse only)"
        raise


@check("promtool check rules + test rules (alerts.yml, alerts_test.yml)")
def _():
    if not shutil.which("promtool"):
        return "promtool not installed"
    cwd = os.path.join(DEPLOY, "prometheus")
    run("promtool", "check", "rules", "alerts.yml", cwd=cwd)
    run("promtool", "test", "rules", "alerts_test.yml", cwd=cwd)


@check("PrometheusRule spec.groups == alerts.yml groups")
def _():
    cr = load(RULES_CR)
    assert cr["kind"] == "PrometheusRule", "not a PrometheusRule"
    assert cr["spec"]["groups"] == load(ALERTS)["groups"], \
        "differ: run python3 deploy/validate.py --sync-rules"


def prometheus_targets(path):
    got = {}
    for job in load(path)["scrape_configs"]:
        if job["job_name"] != "coalition":
            continue
        for sc in job.get("static_configs", []):
            for t in sc["targets"]:
                got[sc["labels"]["service"]] = t
    return got


@check("Prometheus scrape targets match the port table")
def _():
    want = {s: f"{s}:{m}" for s, (_, m) in SERVICES.items()}
    got = prometheus_targets(os.path.join(DEPLOY, "prometheus", "prometheus.yml"))
    assert got == want, f"prometheus.yml: {got}"
    want = {s: f"127.0.0.1:{m}" for s, (_, m) in SERVICES.items()}
    got = prometheus_targets(os.path.join(DEPLOY, "prometheus", "prometheus-local.yml"))
    assert got == want, f"prometheus-local.yml: {got}"


DASHBOARD_DIR = os.path.join(DEPLOY, "grafana", "dashboards")


def dashboard_panels():
    for name in sorted(os.listdir(DASHBOARD_DIR)):
        if name.endswith(".json"):
            with open(os.path.join(DASHBOARD_DIR, name)) as f:
                try:
                    dash = json.load(f)
                except json.JSONDecodeError as e:
                    raise AssertionError(f"{name}: {e}")
            yield name, dash, [p for p in dash["panels"] if p["type"] != "row"]


@check("Grafana dashboards: JSON, unique ids, provisioned datasource")
def _():
    prov = os.path.join(DEPLOY, "grafana", "provisioning", "datasources")
    uids = {ds["uid"] for f in os.listdir(prov)
            for ds in load(os.path.join(prov, f))["datasources"]}
    for name, dash, panels in dashboard_panels():
        assert dash.get("uid"), f"{name}: no uid"
        ids = [p["id"] for p in dash["panels"]]
        assert len(ids) == len(set(ids)), f"{name}: duplicate panel ids"
        for p in panels:
            assert p["datasource"]["uid"] in uids, f"{name}: {p['title']}: unknown datasource"
            assert p["targets"] and all(t["expr"] for t in p["targets"]), \
                f"{name}: {p['title']}: no query"


@check("Grafana dashboard queries are valid PromQL (promtool)")
def _():
    if not shutil.which("promtool"):
        return "promtool not installed"
    rules = []
    for name, _, panels in dashboard_panels():
        for p in panels:
            for t in p["targets"]:
                expr = t["expr"].replace("$__rate_interval", "5m").replace("$service", ".+")
                rules.append({"record": f"dashboard:check_{len(rules)}", "expr": expr})
    with tempfile.NamedTemporaryFile("w", suffix=".yml", delete=False) as f:
        yaml.safe_dump({"groups": [{"name": "dashboard", "rules": rules}]}, f)
    try:
        run("promtool", "check", "rules", f.name)
    finally:
        os.unlink(f.name)


def dockerfile_stages():
    """Maps stage name -> its lines."""
    stages, current = {}, None
    for line in read(os.path.join(DEPLOY, "docker", "Dockerfile")).splitlines():
        m = re.match(r"FROM\s+\S+\s+AS\s+(\S+)", line, re.I)
        if m:
            current = m.group(1)
            stages[current] = []
        elif current:
            stages[current].append(line)
    return stages


def dockerfile_env(lines):
    """The ENV variables a stage sets (KEY=VALUE form, continuation lines joined)."""
    text = "\n".join(lines).replace("\\\n", " ")
    env = {}
    for m in re.finditer(r"^ENV\s+(.*)$", text, re.M):
        for pair in m.group(1).split():
            key, _, value = pair.partition("=")
            env[key] = value
    return env


# A flag on the command line wins over its environment variable, so an address pinned in an
# ENTRYPOINT or CMD could not be changed by COALITION_LISTEN in compose or Kubernetes.
PINNED_FLAGS = ("--listen", "--metrics_listen", "--health_listen")


@check("Dockerfile: no ENTRYPOINT or CMD pins an address flag (the environment must win)")
def _():
    for stage, lines in dockerfile_stages().items():
        for line in lines:
            m = re.match(r"(ENTRYPOINT|CMD)\s+(.*)$", line)
            if not m:
                continue
            pinned = [f for f in PINNED_FLAGS if re.search(rf"{f}(=|\s|\"|$)", m.group(2))]
            assert not pinned, f"{stage}: {m.group(1)} carries {pinned}: use ENV COALITION_..."


@check("Dockerfile: a target per service with its ports, build target and non-root user")
def _():
    stages = dockerfile_stages()
    runtime = "\n".join(stages["runtime"])
    assert re.search(r"^USER 10001:10001$", runtime, re.M), "runtime stage is not USER 10001"
    for s, (port, mport) in SERVICES.items():
        assert s in stages, f"no target {s}"
        body = "\n".join(stages[s])
        assert f"EXPOSE {port} {mport}" in body, f"{s}: EXPOSE"
        ep = re.search(r"^ENTRYPOINT (\[.*\])$", body, re.M)
        assert ep, f"{s}: no exec-form ENTRYPOINT"
        assert json.loads(ep.group(1)) == [f"/usr/local/bin/{s}-server"], f"{s}: ENTRYPOINT"
        env = dockerfile_env(stages[s])
        assert env.get("COALITION_LISTEN") == f"0.0.0.0:{port}", f"{s}: ENV COALITION_LISTEN"
        assert env.get("COALITION_METRICS_LISTEN") == f"0.0.0.0:{mport}", \
            f"{s}: ENV COALITION_METRICS_LISTEN"
        assert f"--from=build-{s} " in body, f"{s}: copies from the wrong build stage"
        assert f"ninja -C build {s}-server" in "\n".join(stages[f"build-{s}"]), f"{s}: ninja target"
    assert "cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release" in "\n".join(
        stages["build-env"]), "configure command"


def apt_packages(stage_lines):
    text = " ".join(stage_lines).replace("\\", " ")
    m = re.search(r"apt-get install -y --no-install-recommends (.*?)&&", text)
    return m.group(1).split()


@check("Dockerfile: every apt package exists in the Debian archive (apt-cache)")
def _():
    if not shutil.which("apt-cache"):
        return "apt-cache not available"
    stages = dockerfile_stages()
    pkgs = apt_packages(stages["build-env"]) + apt_packages(stages["runtime"])
    missing = []
    for p in pkgs:
        r = subprocess.run(["apt-cache", "show", "--no-all-versions", p], capture_output=True,
                           text=True)
        if r.returncode != 0 or not r.stdout.strip():
            missing.append(p)
    if missing and len(missing) == len(pkgs):
        return "no package lists (run apt-get update)"
    assert not missing, f"unknown packages: {missing}"


@check(".dockerignore keeps every input of the CMake build")
def _():
    patterns = [l.strip() for l in read(os.path.join(ROOT, ".dockerignore")).splitlines()
                if l.strip() and not l.startswith("#")]
    needed = ["CMakeLists.txt", "protos", "libs", "services", "tests"]
    needed += [n for n in os.listdir(ROOT)
               if os.path.isfile(os.path.join(ROOT, n, "CMakeLists.txt"))]
    for n in needed:
        hit = [p for p in patterns if fnmatch.fnmatch(n, p.rstrip("/"))]
        assert not hit, f"{n} is excluded by {hit}"


@check("docker-compose.yml: ports, stores, targets, dependencies, grace period")
def _():
    compose = load(os.path.join(ROOT, "docker-compose.yml"))
    svcs = compose["services"]
    for name in ("postgres", "redis", "prometheus", "grafana"):
        assert name in svcs, f"no {name}"
    stages = dockerfile_stages()
    sql = read(os.path.join(DEPLOY, "postgres", "create-databases.sql"))
    for s, (port, mport) in SERVICES.items():
        c = svcs[s]
        assert c["build"]["target"] == s and c["build"]["target"] in stages, f"{s}: build target"
        assert c["build"]["dockerfile"] == "deploy/docker/Dockerfile", f"{s}: dockerfile"
        assert sorted(c["ports"]) == sorted([f"127.0.0.1:{port}:{port}",
                                             f"127.0.0.1:{mport}:{mport}"]), f"{s}: ports"
        env = c["environment"]
        assert re.fullmatch(rf"postgres://[^@]+@postgres:5432/{s}", env["COALITION_STORE"]), \
            f"{s}: COALITION_STORE"
        assert env["COALITION_REDIS"] == "redis:6379", f"{s}: COALITION_REDIS"
        # Collation "C": the services refuse a database whose text order is not bytewise.
        assert re.search(rf"^CREATE DATABASE {s} TEMPLATE template0 .*LC_COLLATE 'C' LC_CTYPE 'C';$",
                         sql, re.M), f"{s}: no database created in collation C"
        for dep in ("postgres", "redis"):
            assert c["depends_on"][dep]["condition"] == "service_healthy", f"{s}: depends_on {dep}"
        grace = int(c["stop_grace_period"].rstrip("s"))
        assert grace > DRAIN_TIMEOUT_S, f"{s}: stop_grace_period {grace}s <= drain timeout"
    for hc in ("postgres", "redis"):
        assert "healthcheck" in svcs[hc], f"{hc}: no healthcheck"


SQLITE_OVERRIDE = "deploy/docker/compose.sqlite.yml"


@check("compose config (docker compose / docker-compose), alone and with the SQLite override")
def _():
    env = dict(os.environ)
    for k in ("COALITION_PG_PASSWORD", "GRAFANA_ADMIN_PASSWORD"):
        env.pop(k, None)
    env.pop("COMPOSE_FILE", None)
    plugin = shutil.which("docker") and subprocess.run(
        ["docker", "compose", "version"], capture_output=True).returncode == 0
    if plugin:
        tool = ["docker", "compose"]
    elif shutil.which("docker-compose"):
        tool = ["docker-compose"]
    else:
        return "neither the docker compose plugin nor docker-compose is installed"
    run(*tool, "-f", "docker-compose.yml", "config", "-q", env=env)
    run(*tool, "-f", "docker-compose.yml", "-f", SQLITE_OVERRIDE, "config", "-q", env=env)
    merged = yaml.safe_load(run(*tool, "-f", "docker-compose.yml", "-f", SQLITE_OVERRIDE,
                                "config", env=env).stdout)
    for s in SERVICES:
        c = merged["services"][s]
        store = c["environment"]["COALITION_STORE"]
        assert store == f"sqlite:/var/lib/coalition/{s}.db", f"sqlite override: {s}: {store}"
        assert any(str(v).startswith(f"{s}-data:/var/lib/coalition") or
                   (isinstance(v, dict) and v.get("target") == "/var/lib/coalition")
                   for v in c["volumes"]), f"sqlite override: {s}: no data volume"


K8S = os.path.join(DEPLOY, "k8s")
KUSTOMIZATIONS = ["base", "overlays/production", "overlays/local"]


@check("kustomization.yaml: every listed resource and env file exists")
def _():
    for k in KUSTOMIZATIONS:
        d = os.path.join(K8S, k)
        kz = load(os.path.join(d, "kustomization.yaml"))
        paths = list(kz.get("resources", []))
        for gen in kz.get("configMapGenerator", []) + kz.get("secretGenerator", []):
            paths += gen.get("envs", []) + gen.get("files", [])
        for p in paths:
            full = os.path.normpath(os.path.join(d, p))
            ok = os.path.isfile(full) or os.path.isfile(os.path.join(full, "kustomization.yaml"))
            assert ok, f"{k}: {p} does not exist"


def kustomize(k):
    path = os.path.join(K8S, k)
    if shutil.which("kubectl"):
        out = run("kubectl", "kustomize", path).stdout
    elif shutil.which("kustomize"):
        out = run("kustomize", "build", path).stdout
    else:
        return None
    return [d for d in yaml.safe_load_all(out) if d]


def matches(selector, labels):
    return all(labels.get(k) == v for k, v in selector.items())


def is_secret(name, secret):
    """`name` is Secret `secret`, or the one a secretGenerator made of it (hash suffix)."""
    return re.fullmatch(rf"{re.escape(secret)}(-[a-z0-9]{{10}})?", name) is not None


def secret_file_mount(spec, container, path, secret):
    """The Secret key that `path` is, through a read-only volume of Secret `secret`; else None."""
    volumes = {v["name"]: v for v in spec.get("volumes", [])}
    for m in container.get("volumeMounts", []):
        prefix = m["mountPath"].rstrip("/") + "/"
        if not path.startswith(prefix) or not m.get("readOnly"):
            continue
        vol = volumes[m["name"]].get("secret", {})
        if not is_secret(vol.get("secretName", ""), secret):
            return None
        name = path[len(prefix):]
        items = {i["path"]: i["key"] for i in vol.get("items", [])}
        return items.get(name) if items else name
    return None


def check_rendered(k, docs, secret_external):
    by_kind = {}
    for d in docs:
        by_kind.setdefault(d["kind"], []).append(d)
        ns = d["metadata"].get("namespace", "coalition")
        assert ns == "coalition" or d["kind"] == "Namespace", \
            f"{d['kind']}/{d['metadata']['name']} outside namespace coalition"
    deployments = {d["metadata"]["name"]: d for d in by_kind.get("Deployment", [])}
    configmaps = {d["metadata"]["name"] for d in by_kind.get("ConfigMap", [])}
    secrets = {d["metadata"]["name"]: d for d in by_kind.get("Secret", [])}
    assert not secret_external or not secrets, f"{k}: must not carry a Secret (it would overwrite)"
    for s, (port, mport) in SERVICES.items():
        dep = deployments.get(s)
        assert dep, f"{k}: no Deployment {s}"
        pod = dep["spec"]["template"]
        spec = pod["spec"]
        assert matches(dep["spec"]["selector"]["matchLabels"], pod["metadata"]["labels"]), \
            f"{k}/{s}: selector does not match the pod labels"
        ann = pod["metadata"].get("annotations", {})
        assert (ann.get("prometheus.io/scrape"), ann.get("prometheus.io/port"),
                ann.get("prometheus.io/path")) == ("true", str(mport), "/metrics"), \
            f"{k}/{s}: scrape annotations"
        psc = spec["securityContext"]
        assert psc.get("runAsNonRoot") is True and psc.get("runAsUser", 0) != 0, f"{k}/{s}: root"
        (c,) = spec["containers"]
        assert re.search(rf"(^|/)coalition/{s}-server(:|$)", c["image"]), \
            f"{k}/{s}: image {c['image']}"
        ports = {p["name"]: p["containerPort"] for p in c["ports"]}
        hport = HEALTH_PORTS[s]
        assert ports == {"grpc": port, "metrics": mport, "health": hport}, \
            f"{k}/{s}: ports {ports}"
        env = {e["name"]: e.get("value") for e in c["env"]}
        assert env.get("COALITION_HEALTH_LISTEN") == f"0.0.0.0:{hport}", \
            f"{k}/{s}: COALITION_HEALTH_LISTEN is not the health port {hport}"
        # The kubelet's gRPC probes cannot speak TLS: they must use the plaintext health port.
        for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
            assert c[probe].get("grpc", {}).get("port") == hport, \
                f"{k}/{s}: {probe} not gRPC on the health port {hport}"
        assert secret_file_mount(spec, c, env.get("COALITION_REDIS_PASSWORD_FILE", ""),
                                 "coalition-redis") == "password", \
            f"{k}/{s}: COALITION_REDIS_PASSWORD_FILE is not key password of Secret coalition-redis"
        sleep = c["lifecycle"]["preStop"]["exec"]["command"]
        assert sleep[0] == "sleep", f"{k}/{s}: preStop is not a sleep"
        grace = spec["terminationGracePeriodSeconds"]
        assert grace > int(sleep[1]) + DRAIN_TIMEOUT_S, \
            f"{k}/{s}: terminationGracePeriodSeconds {grace} <= preStop + drain"
        sc = c["securityContext"]
        assert sc["readOnlyRootFilesystem"] is True and sc["allowPrivilegeEscalation"] is False \
            and sc["capabilities"]["drop"] == ["ALL"], f"{k}/{s}: container securityContext"
        for kind in ("requests", "limits"):
            assert {"cpu", "memory"} <= set(c["resources"][kind]), f"{k}/{s}: resources.{kind}"
        assert any(e["configMapRef"]["name"] in configmaps for e in c["envFrom"]), \
            f"{k}/{s}: envFrom ConfigMap missing"
        (store,) = [e for e in c["env"] if e["name"] == "COALITION_STORE"]
        ref = store["valueFrom"]["secretKeyRef"]
        assert ref["key"] == s, f"{k}/{s}: store key {ref['key']}"
        if not secret_external:
            assert ref["name"] in secrets and s in secrets[ref["name"]].get("data", {}), \
                f"{k}/{s}: Secret {ref['name']} / key {s} not rendered"
        svc = [d for d in by_kind["Service"] if d["metadata"]["name"] == s]
        assert svc and matches(svc[0]["spec"]["selector"], pod["metadata"]["labels"]), \
            f"{k}/{s}: no Service selecting the pods"
        assert {p["port"] for p in svc[0]["spec"]["ports"]} == {port, mport}, \
            f"{k}/{s}: Service ports"
    for hpa in by_kind.get("HorizontalPodAutoscaler", []):
        target = hpa["spec"]["scaleTargetRef"]["name"]
        assert target in deployments, f"{k}: HPA {hpa['metadata']['name']} targets nothing"
        assert "replicas" not in deployments[target]["spec"], \
            f"{k}: Deployment {target} sets replicas while an HPA owns them"
        cpu = hpa["spec"]["metrics"][0]["resource"]
        assert cpu["name"] == "cpu" and cpu["target"]["averageUtilization"] == 70, f"{k}: HPA cpu"
    for pdb in by_kind.get("PodDisruptionBudget", []):
        sel = pdb["spec"]["selector"]["matchLabels"]
        assert any(matches(sel, d["spec"]["template"]["metadata"]["labels"])
                   for d in deployments.values()), \
            f"{k}: PDB {pdb['metadata']['name']} selects nothing"
    return by_kind


@check("kustomize build + manifest checks: base")
def _():
    docs = kustomize("base")
    if docs is None:
        return "neither kubectl nor kustomize installed"
    by_kind = check_rendered("base", docs, secret_external=True)
    assert len(by_kind["HorizontalPodAutoscaler"]) == 4 and len(by_kind["PodDisruptionBudget"]) == 4
    for hpa in by_kind["HorizontalPodAutoscaler"]:
        assert (hpa["spec"]["minReplicas"], hpa["spec"]["maxReplicas"]) == (2, 10), "HPA 2..10"
    for pdb in by_kind["PodDisruptionBudget"]:
        assert pdb["spec"]["minAvailable"] == 1, "PDB minAvailable 1"
    tmpl = load(os.path.join(K8S, "base", "secret-store.template.yaml"))
    assert set(tmpl["stringData"]) == set(SERVICES), "secret template keys"
    assert all("REPLACE-ME" in v for v in tmpl["stringData"].values()), \
        "the template must hold placeholders only"


@check("kustomize build + manifest checks: overlays/production")
def _():
    docs = kustomize("overlays/production")
    if docs is None:
        return "neither kubectl nor kustomize installed"
    by_kind = check_rendered("production", docs, secret_external=True)
    # Keys never cross the network in the clear: every gRPC port serves mutual TLS from the
    # service's own Secret, and meetings presents its certificate to membership.
    tls_files = {"COALITION_TLS_CERT": "tls.crt", "COALITION_TLS_KEY": "tls.key",
                 "COALITION_TLS_CLIENT_CA": "ca.crt"}
    for d in by_kind["Deployment"]:
        name = d["metadata"]["name"]
        spec = d["spec"]["template"]["spec"]
        (c,) = spec["containers"]
        env = {e["name"]: e.get("value") for e in c["env"]}
        want = dict(tls_files)
        if name == "meetings":
            want.update({"COALITION_MEMBERSHIP_TLS_CA": "ca.crt",
                         "COALITION_MEMBERSHIP_TLS_CERT": "tls.crt",
                         "COALITION_MEMBERSHIP_TLS_KEY": "tls.key"})
        for var, key in want.items():
            assert env.get(var), f"production/{name}: {var} not set"
            got = secret_file_mount(spec, c, env[var], f"{name}-tls")
            assert got == key, f"production/{name}: {var} is not {key} of Secret {name}-tls"
    for svc in by_kind["Service"]:
        for p in svc["spec"]["ports"]:
            assert p.get("appProtocol") != "kubernetes.io/h2c", \
                f"production: Service {svc['metadata']['name']} declares plaintext h2c"
    for d in by_kind["Deployment"]:
        image = d["spec"]["template"]["spec"]["containers"][0]["image"]
        assert re.search(r":[\w.-]+$", image) and not image.endswith(":latest"), f"untagged {image}"
    assert len(by_kind["HorizontalPodAutoscaler"]) == 4


@check("kustomize build + manifest checks: overlays/local")
def _():
    docs = kustomize("overlays/local")
    if docs is None:
        return "neither kubectl nor kustomize installed"
    by_kind = check_rendered("local", docs, secret_external=False)
    assert "HorizontalPodAutoscaler" not in by_kind and "PodDisruptionBudget" not in by_kind, \
        "local keeps an HPA or PDB"
    for d in by_kind["Deployment"]:
        assert d["spec"].get("replicas") == 1, f"{d['metadata']['name']}: replicas != 1"
    assert any(d["metadata"]["name"] == "redis" for d in by_kind["Service"]), "no redis Service"
    (redis,) = [d for d in by_kind["Deployment"] if d["metadata"]["name"] == "redis"]
    (rc,) = redis["spec"]["template"]["spec"]["containers"]
    assert "--requirepass" in rc["args"], "local redis: no --requirepass"
    assert any(e["name"] == "REDIS_PASSWORD" and
               is_secret(e["valueFrom"]["secretKeyRef"]["name"], "coalition-redis") and
               e["valueFrom"]["secretKeyRef"]["key"] == "password"
               for e in rc["env"]), "local redis: password not from Secret coalition-redis"


def label_selector_matches(selector, labels):
    if selector is None:
        return False
    for key, value in selector.get("matchLabels", {}).items():
        if labels.get(key) != value:
            return False
    for e in selector.get("matchExpressions", []):
        present = e["key"] in labels
        if e["operator"] == "In" and not (present and labels[e["key"]] in e["values"]):
            return False
        if e["operator"] == "NotIn" and present and labels[e["key"]] in e["values"]:
            return False
        if e["operator"] == "Exists" and not present:
            return False
        if e["operator"] == "DoesNotExist" and present:
            return False
    return True


def ingress_allowed(policies, target, port, source):
    """Whether the NetworkPolicies let `source` reach `target` on `port`.

    target: (pod labels, {port name: number}) in namespace coalition; port: a number;
    source: (pod labels, namespace name, namespace labels).
    """
    labels, named = target
    selecting = [p for p in policies
                 if label_selector_matches(p["spec"]["podSelector"], labels)
                 and "Ingress" in p["spec"].get("policyTypes", ["Ingress"])]
    if not selecting:
        return True
    src_labels, src_ns, src_ns_labels = source
    for p in selecting:
        for rule in p["spec"].get("ingress", []):
            ports = rule.get("ports")
            if ports and not any(named.get(q.get("port"), q.get("port")) == port for q in ports):
                continue
            peers = rule.get("from")
            if not peers:
                return True
            for peer in peers:
                if "ipBlock" in peer:
                    continue
                ns_sel, pod_sel = peer.get("namespaceSelector"), peer.get("podSelector")
                ns_ok = (src_ns == "coalition") if ns_sel is None else \
                    label_selector_matches(ns_sel, src_ns_labels)
                pod_ok = True if pod_sel is None else label_selector_matches(pod_sel, src_labels)
                if ns_ok and pod_ok:
                    return True
    return False


API_CLIENT = ({"coalition/api-client": "true"}, "ingress-nginx", {})
PROMETHEUS = ({"app.kubernetes.io/name": "prometheus"}, "monitoring",
              {"coalition/metrics-scraper": "true"})
STRANGER = ({"app": "something-else"}, "coalition", {})
OTHER_NAMESPACE = ({"app.kubernetes.io/name": "meetings"}, "elsewhere", {})


@check("NetworkPolicies: default deny; who reaches each gRPC, metrics, health and Redis port")
def _():
    for k in KUSTOMIZATIONS:
        docs = kustomize(k)
        if docs is None:
            return "neither kubectl nor kustomize installed"
        policies = [d for d in docs if d["kind"] == "NetworkPolicy"]
        deny = [p for p in policies if p["spec"]["podSelector"] == {}
                and "Ingress" in p["spec"].get("policyTypes", []) and not p["spec"].get("ingress")]
        assert deny, f"{k}: no default-deny ingress NetworkPolicy"
        pods = {}
        for d in docs:
            if d["kind"] == "Deployment":
                tmpl = d["spec"]["template"]
                (c,) = tmpl["spec"]["containers"]
                pods[d["metadata"]["name"]] = (
                    tmpl["metadata"]["labels"],
                    {p["name"]: p["containerPort"] for p in c.get("ports", [])})
        service = {s: (pods[s][0], "coalition", {}) for s in SERVICES}
        callers = {"membership": {"meetings", "decisions", "assessment"},
                   "meetings": {"decisions", "assessment"}, "decisions": set(),
                   "assessment": set()}
        for s, (port, mport) in SERVICES.items():
            target = pods[s]
            for other in SERVICES:
                if other == s:
                    continue
                want = other in callers[s]
                got = ingress_allowed(policies, target, port, service[other])
                assert got == want, f"{k}: {other} -> {s}:{port} allowed={got}, want {want}"
            assert ingress_allowed(policies, target, port, API_CLIENT), \
                f"{k}: a coalition/api-client pod cannot reach {s}:{port}"
            for who in (STRANGER, OTHER_NAMESPACE, PROMETHEUS):
                assert not ingress_allowed(policies, target, port, who), \
                    f"{k}: {who} reaches {s}:{port}"
            assert ingress_allowed(policies, target, mport, PROMETHEUS), \
                f"{k}: Prometheus cannot scrape {s}:{mport}"
            assert not ingress_allowed(policies, target, mport, API_CLIENT), \
                f"{k}: clients reach {s}'s metrics"
            for who in (STRANGER, OTHER_NAMESPACE, API_CLIENT, PROMETHEUS):
                assert ingress_allowed(policies, target, HEALTH_PORTS[s], who), \
                    f"{k}: {who} cannot reach {s}'s health port (kubelet probes)"
        redis = ({"app.kubernetes.io/name": "redis"}, {"redis": 6379})
        for s in SERVICES:
            assert ingress_allowed(policies, redis, 6379, service[s]), f"{k}: {s} cannot reach Redis"
        for who in (STRANGER, OTHER_NAMESPACE, API_CLIENT, PROMETHEUS):
            assert not ingress_allowed(policies, redis, 6379, who), f"{k}: {who} reaches Redis"


@check("Secret templates (store, meetings key, Redis, TLS): placeholders only, not resources")
def _():
    base = os.path.join(K8S, "base")
    resources = load(os.path.join(base, "kustomization.yaml"))["resources"]
    templates = sorted(f for f in os.listdir(base) if f.endswith(".template.yaml"))
    assert set(templates) >= {"secret-store.template.yaml", "secret-meetings-key.template.yaml",
                              "secret-redis.template.yaml", "secret-tls.template.yaml"}, templates
    for t in templates:
        assert t not in resources, f"{t} is a kustomize resource: an apply would overwrite it"
        with open(os.path.join(base, t)) as f:
            for doc in yaml.safe_load_all(f):
                values = doc.get("stringData", {}).values()
                assert values and all("REPLACE-ME" in v for v in values), \
                    f"{t}: {doc['metadata']['name']} holds something other than placeholders"
    redis = load(os.path.join(base, "secret-redis.template.yaml"))
    assert redis["metadata"]["name"] == "coalition-redis" and set(redis["stringData"]) == \
        {"password"}, "secret-redis.template.yaml: name or key"
    with open(os.path.join(base, "secret-tls.template.yaml")) as f:
        tls = {d["metadata"]["name"]: set(d["stringData"]) for d in yaml.safe_load_all(f)}
    assert tls == {f"{s}-tls": {"tls.crt", "tls.key", "ca.crt"} for s in SERVICES}, \
        f"secret-tls.template.yaml: {tls}"


MEETINGS_KEY_SECRET = "meetings-membership-key"


@check("meetings: membership key as a file (compose secret, k8s Secret volume), tzdata")
def _():
    compose = load(os.path.join(ROOT, "docker-compose.yml"))
    c = compose["services"]["meetings"]
    env = c["environment"]
    assert env["COALITION_MEMBERSHIP"] == "membership:50051", "compose: COALITION_MEMBERSHIP"
    assert c["depends_on"]["membership"]["condition"] == "service_healthy", \
        "compose: meetings must wait for a healthy membership"
    (secret,) = [x if isinstance(x, str) else x["source"] for x in c["secrets"]]
    assert "file" in compose["secrets"][secret], f"compose: secret {secret} is not a file"
    assert env["COALITION_MEMBERSHIP_KEY_FILE"] == f"/run/secrets/{secret}", \
        "compose: COALITION_MEMBERSHIP_KEY_FILE is not the secret's file"
    for k in KUSTOMIZATIONS:
        docs = kustomize(k)
        if docs is None:
            return "neither kubectl nor kustomize installed"
        (dep,) = [d for d in docs if d["kind"] == "Deployment" and
                  d["metadata"]["name"] == "meetings"]
        spec = dep["spec"]["template"]["spec"]
        (container,) = spec["containers"]
        env = {e["name"]: e.get("value") for e in container["env"]}
        path = env["COALITION_MEMBERSHIP_KEY_FILE"]
        volumes = {v["name"]: v for v in spec["volumes"]}
        mounts = [m for m in container["volumeMounts"]
                  if path.startswith(m["mountPath"].rstrip("/") + "/")]
        assert len(mounts) == 1 and mounts[0].get("readOnly"), f"{k}: key file not on one mount"
        volume = volumes[mounts[0]["name"]]["secret"]
        assert volume["secretName"] == MEETINGS_KEY_SECRET, f"{k}: key volume is not the Secret"
        rel_path = path[len(mounts[0]["mountPath"].rstrip("/")) + 1:]
        assert [i["path"] for i in volume["items"]] == [rel_path], f"{k}: Secret item path"
        assert not any(d["kind"] == "Secret" and d["metadata"]["name"] == MEETINGS_KEY_SECRET
                       for d in docs), f"{k}: the key Secret must be made out of band"
        assert env.get("COALITION_TIME_ZONE"), f"{k}: COALITION_TIME_ZONE"
    tmpl = load(os.path.join(K8S, "base", "secret-meetings-key.template.yaml"))
    assert tmpl["metadata"]["name"] == MEETINGS_KEY_SECRET, "key template: name"
    assert all("REPLACE-ME" in v for v in tmpl["stringData"].values()), \
        "key template: placeholders only"
    assert "tzdata" in apt_packages(dockerfile_stages()["runtime"]), "runtime image: no tzdata"


failed = results.count("FAIL")
print(f"validate: {results.count('PASS')} passed, {failed} failed, {results.count('SKIP')} skipped")
sys.exit(1 if failed else 0)
