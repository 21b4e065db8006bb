"""The server starts, migrates, loads the demo and answers its operational endpoints."""

import re

# One Prometheus text-format sample: name{labels} value [timestamp]
SAMPLE = re.compile(r'^[a-zA-Z_:][a-zA-Z0-9_:]*(\{.*\})?\s+\S+(\s+-?\d+)?$')
TYPE = re.compile(r"^# TYPE [a-zA-Z_:][a-zA-Z0-9_:]* (counter|gauge|histogram|summary|untyped)$")


def test_healthz(server):
    response = server.get("/healthz")
    assert response.status_code == 200, response.text


def test_readyz(server):
    response = server.get("/readyz")
    assert response.status_code == 200, response.text


def test_metrics_are_prometheus_text(server):
    response = server.get("/metrics")
    assert response.status_code == 200, response.text
    assert response.headers.get("Content-Type", "").startswith("text/plain"), response.headers
    lines = [line for line in response.text.splitlines() if line.strip()]
    assert any(TYPE.match(line) for line in lines), "no '# TYPE' line:\n" + response.text[:2000]
    bad = [line for line in lines if not line.startswith("#") and not SAMPLE.match(line)]
    assert not bad, f"lines that are not Prometheus samples: {bad[:10]}"
    assert any(not line.startswith("#") for line in lines), "no samples at all"


def test_demo_printed_json(server):
    assert server.demo, "`suanli demo --json` printed an empty document"
