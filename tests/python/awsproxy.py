"""A recording, fault-injecting HTTP proxy between the scanner and moto.

It forwards every request to moto, records which AWS operation it was (service from the
SigV4 credential scope, operation from the JSON target header, the query `Action` or the
REST path), and can answer chosen operations with a throttling error, a 500 or an access
denial in the error format of that service's protocol. Tests use the record to prove that
no mutating call is ever sent and that every call is in docs/permissions.md.
"""

import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import requests

# REST-JSON operations of Inspector2, by path.
REST_PATHS = {
    "/findings/list": "ListFindings",
    "/status/batch/get": "BatchGetAccountStatus",
    "/coverage/list": "ListCoverage",
}
JSON_SERVICES = {"ecs", "inspector2"}


def operation_of(headers, path, body):
    auth = headers.get("Authorization", "")
    m = re.search(r"Credential=[^/]+/\d+/([^/]+)/([^/]+)/aws4_request", auth)
    service = m.group(2) if m else "unknown"
    target = headers.get("X-Amz-Target")
    if target:
        return service, target.split(".")[-1]
    if service in REST_PATHS.values() or path.split("?")[0] in REST_PATHS:
        return service, REST_PATHS[path.split("?")[0]]
    form = parse_qs(body.decode("utf-8", "replace"))
    if "Action" in form:
        return service, form["Action"][0]
    return service, f"{headers.get('X-Http-Method', 'POST')} {path}"


def error_response(service, kind):
    """(status, headers, body) of an error in the service's protocol."""
    codes = {
        "throttle": {"json": "ThrottlingException", "ec2": "RequestLimitExceeded", "query": "Throttling"},
        "deny": {"json": "AccessDeniedException", "ec2": "UnauthorizedOperation", "query": "AccessDenied"},
        "500": {"json": "InternalServerException", "ec2": "InternalError", "query": "InternalFailure"},
    }[kind]
    status = {"throttle": 400, "deny": 403, "500": 500}[kind]
    message = {"throttle": "Rate exceeded", "deny": "User is not authorized to perform this operation",
               "500": "We encountered an internal error. Please try again."}[kind]
    if service in JSON_SERVICES:
        code = codes["json"]
        body = '{"__type": "%s", "message": "%s"}' % (code, message)
        return status, {"Content-Type": "application/x-amz-json-1.1", "x-amzn-ErrorType": code}, body
    if service == "ec2":
        if kind == "throttle":
            status = 503
        code = codes["ec2"]
        body = (f"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Errors><Error><Code>{code}</Code>"
                f"<Message>{message}</Message></Error></Errors><RequestID>fault</RequestID></Response>")
        return status, {"Content-Type": "text/xml"}, body
    code = codes["query"]
    body = (f"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message>"
            f"</Error><RequestId>fault</RequestId></ErrorResponse>")
    return status, {"Content-Type": "text/xml"}, body


class Proxy:
    """Start with `Proxy(upstream).start()`; set `faults[(service, op)] = [kind, ...]` (each
    matching request takes the next kind; an empty list passes through) or `always[(service,
    op)] = kind`."""

    def __init__(self, upstream):
        self.upstream = upstream.rstrip("/")
        self.calls = []  # (service, operation, body bytes)
        self.faults = {}
        self.always = {}
        self.injected = []
        self.lock = threading.Lock()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def handle_any(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                service, op = operation_of(self.headers, self.path, body)
                with proxy.lock:
                    proxy.calls.append((service, op, body))
                    kind = proxy.always.get((service, op))
                    queue = proxy.faults.get((service, op))
                    if kind is None and queue:
                        kind = queue.pop(0)
                    if kind:
                        proxy.injected.append((service, op, kind))
                if kind:
                    status, headers, text = error_response(service, kind)
                    data = text.encode()
                    self.send_response(status)
                    for k, v in headers.items():
                        self.send_header(k, v)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                    return
                fwd = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length")}
                r = requests.request(self.command, proxy.upstream + self.path, headers=fwd, data=body, timeout=60)
                self.send_response(r.status_code)
                for k, v in r.headers.items():
                    if k.lower() not in ("content-length", "transfer-encoding", "connection", "content-encoding"):
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(r.content)))
                self.end_headers()
                self.wfile.write(r.content)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = handle_any

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def operations(self):
        return [(s, o) for s, o, _ in self.calls]
