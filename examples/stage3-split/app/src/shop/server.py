"""The HTTP front of the cart: /health for the probes, /metrics for Prometheus."""

import json
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

METRICS = "# TYPE shop_cart_up gauge\nshop_cart_up 1\n"


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/health":
            self.reply(200, "application/json", json.dumps({"status": "UP"}))
        elif self.path == "/metrics":
            self.reply(200, "text/plain; version=0.0.4", METRICS)
        else:
            self.reply(404, "application/json", json.dumps({"error": "not found"}))

    def reply(self, status, content_type, body):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, fmt, *args):
        # JSON lines on stdout, as the platform's log collection expects.
        print(json.dumps({"level": "info", "msg": fmt % args}), flush=True)


def serve(port=8080):
    ThreadingHTTPServer(("", port), Handler).serve_forever()


if __name__ == "__main__":
    serve()
