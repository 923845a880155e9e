#!/usr/bin/env python3
"""Serves recorded API shapes for the examples: `standin.py ROOT PORT`.

ROOT/routes.json maps "METHOD /raw/path" (query ignored) to {"file": ..., "type": ..., "status": ...}
or {"body": ...}. Anything else is a 404 with a JSON error, like the real APIs. Binds 127.0.0.1 only.
"""
import json
import os
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ROOT = sys.argv[1]
PORT = int(sys.argv[2])
with open(os.path.join(ROOT, "routes.json"), encoding="utf-8") as f:
    ROUTES = {k: v for k, v in json.load(f).items() if not k.startswith("_")}


class Handler(BaseHTTPRequestHandler):
    def answer(self, method):
        route = ROUTES.get(f"{method} {self.path.split('?', 1)[0]}")
        if route is None:
            body, status, ctype = b'{"errors": [{"msg": "not found"}]}', 404, "application/json"
        else:
            if "file" in route:
                with open(os.path.join(ROOT, route["file"]), "rb") as f:
                    body = f.read()
            else:
                body = route["body"].encode()
            status, ctype = route.get("status", 200), route.get("type", "application/json")
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if method != "HEAD":
            self.wfile.write(body)

    def do_GET(self):
        self.answer("GET")

    def do_HEAD(self):
        self.answer("HEAD")

    def log_message(self, fmt, *args):
        sys.stderr.write("standin: " + (fmt % args) + "\n")


ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
