#!/usr/bin/env python3
"""A billing endpoint for the billing-sync tests (test tooling, never shipped).

Listens on 127.0.0.1 (an ephemeral port, printed as the first line of stdout) and answers the n-th request carrying one
Idempotency-Key with the n-th item of --plan: an HTTP status (500, 200, ...) or `timeout` (credit it, hold the request
--hold-ms, then close the connection without an answer: billing did the work, the client never hears so). Like a real billing
system it credits each Idempotency-Key once: a repeat is answered 200 and not credited again. Every request is
appended to --log as one JSON line. Stops by itself after --lifetime-s.
"""
import argparse
import http.server
import json
import threading
import time


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--plan", default="200", help="comma-separated answers per key: a status or 'timeout'")
    parser.add_argument("--hold-ms", type=int, default=1500)
    parser.add_argument("--token", default=None, help="the bearer token every request must carry")
    parser.add_argument("--log", required=True)
    parser.add_argument("--lifetime-s", type=float, default=120)
    args = parser.parse_args()
    plan = [item.strip() for item in args.plan.split(",") if item.strip()]
    lock = threading.Lock()
    seen = {}
    credited = set()

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *_):
            pass

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode("utf-8", "replace")
            key = self.headers.get("Idempotency-Key")
            auth = self.headers.get("Authorization")
            with lock:
                count = seen.get(key, 0) + 1
                seen[key] = count
                answer = plan[count - 1] if count <= len(plan) else "200"
                if args.token is not None and auth != "Bearer " + args.token:
                    answer = "401"
                duplicate = key in credited
                credit = (answer == "timeout" or answer.startswith("2")) and key is not None and not duplicate
                if credit:
                    credited.add(key)
                with open(args.log, "a") as log:
                    log.write(json.dumps({"key": key, "n": count, "answer": answer, "credited": credit, "duplicate": duplicate,
                                          "authorization_ok": auth == ("Bearer " + args.token if args.token else auth),
                                          "content_type": self.headers.get("Content-Type"), "body": body,
                                          "path": self.path}) + "\n")
            if answer == "timeout":
                # billing did the work but its answer never comes: the client must give up (deadline or closed connection)
                time.sleep(args.hold_ms / 1000)
                self.close_connection = True
                return
            status = int(answer)
            reply = json.dumps({"ok": status < 300, "duplicate": duplicate}).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up waiting (the timeout case)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print(server.server_address[1], flush=True)
    threading.Timer(args.lifetime_s, server.shutdown).start()
    server.serve_forever()


if __name__ == "__main__":
    main()
