"""A small checkout service on Python's http.server, for `stress checkout` tests.

The gateway API of the 2024 course template (/stock, /payment, /orders) in memory, served by a
ThreadingHTTPServer the way a student's first attempt often is: HTTP/1.0 (one request per
connection), a listen backlog of --backlog (5, http.server's default) and, to make the accept
queue overflow on any machine, a pause of --accept-delay-ms before each accept.

--mode correct: every operation holds one lock. --mode racy: each read-modify-write reads, waits
up to --race-delay-ms, then writes the stale value back, as the template's Redis code does, so
concurrent checkouts lose updates and oversell.

Usage: python3 _checkout_service.py [--mode correct|racy] [--backlog N] [--accept-delay-ms N]
[--race-delay-ms N] [--seed N]. It listens on 127.0.0.1, a free port, prints
`listening on http://127.0.0.1:PORT` and serves until SIGTERM. GET /_stats answers the
connections accepted so far and the counts of items, users and orders. A line `pause` on stdin
stops accepting connections and fills the kernel's accept queue with connections of its own, so
that from the line `paused` on, a new connection gets no answer (its SYN is dropped); `resume`
closes those and accepts again, and answers `resumed`.
"""

import argparse
import json
import random
import signal
import socket
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Store:
    """Items, users and orders; `apply` is the one read-modify-write of a value."""

    def __init__(self, racy, race_delay_s, seed):
        self.racy = racy
        self.race_delay_s = race_delay_s
        self.random = random.Random(seed)
        self.lock = threading.RLock()
        self.items = {}
        self.users = {}
        self.orders = {}

    def pause(self):
        if self.racy:
            with self.lock:
                delay = self.random.random() * self.race_delay_s
            time.sleep(delay)

    def apply(self, table, key, change):
        """Reads table[key], computes change(value) (None refuses), writes it; the new value."""
        if self.racy:
            with self.lock:
                value = table.get(key)
            if value is None:
                return None
            self.pause()
            new = change(value)
            if new is not None:
                with self.lock:
                    table[key] = new
            return new
        with self.lock:
            value = table.get(key)
            if value is None:
                return None
            new = change(value)
            if new is not None:
                table[key] = new
            return new


def add_stock(store, item_id, amount):
    return store.apply(store.items, item_id, lambda v: {**v, "stock": v["stock"] + amount})


def subtract_stock(store, item_id, amount):
    def change(v):
        return {**v, "stock": v["stock"] - amount} if v["stock"] >= amount else None

    return store.apply(store.items, item_id, change)


def add_credit(store, user_id, amount):
    return store.apply(store.users, user_id, lambda v: v + amount)


def pay(store, user_id, amount):
    return store.apply(store.users, user_id, lambda v: v - amount if v >= amount else None)


def checkout(store, order_id):
    """The template's checkout: subtract each item, then pay, rolling back on a refusal."""
    order = store.orders.get(order_id)
    if order is None:
        return 400, f"Order: {order_id} not found!"
    done = []
    for item_id, quantity in order["items"]:
        if subtract_stock(store, item_id, quantity) is None:
            for undo_id, undo_quantity in done:
                add_stock(store, undo_id, undo_quantity)
            return 400, f"Out of stock on item_id: {item_id}"
        done.append((item_id, quantity))
    if pay(store, order["user_id"], order["total_cost"]) is None:
        for undo_id, undo_quantity in done:
            add_stock(store, undo_id, undo_quantity)
        return 400, "User out of credit"
    order["paid"] = True
    return 200, "Checkout successful"


def route(store, method, parts):
    """The answer to a request: (status, JSON-able value or text)."""
    n = len(parts)
    key = (method, parts[0] if n > 0 else "", parts[1] if n > 1 else "", n)
    if key == ("POST", "stock", "item", 4) and parts[2] == "create":
        item_id = str(uuid.uuid4())
        with store.lock:
            store.items[item_id] = {"stock": 0, "price": int(parts[3])}
        return 200, {"item_id": item_id}
    if key == ("POST", "stock", "batch_init", 5):
        with store.lock:
            for i in range(int(parts[2])):
                store.items[str(i)] = {"stock": int(parts[3]), "price": int(parts[4])}
        return 200, {"msg": "Batch init for stock successful"}
    if key == ("GET", "stock", "find", 3):
        item = store.items.get(parts[2])
        return (200, dict(item)) if item else (400, f"Item: {parts[2]} not found!")
    if key in (("POST", "stock", "add", 4), ("POST", "stock", "subtract", 4)):
        amount = int(parts[3])
        new = (add_stock if parts[1] == "add" else subtract_stock)(store, parts[2], amount)
        if new is None:
            return 400, f"Item: {parts[2]} not found or out of stock!"
        return 200, f"Item: {parts[2]} stock updated to: {new['stock']}"
    if key == ("POST", "payment", "create_user", 2):
        user_id = str(uuid.uuid4())
        with store.lock:
            store.users[user_id] = 0
        return 200, {"user_id": user_id}
    if key == ("POST", "payment", "batch_init", 4):
        with store.lock:
            for i in range(int(parts[2])):
                store.users[str(i)] = int(parts[3])
        return 200, {"msg": "Batch init for users successful"}
    if key == ("GET", "payment", "find_user", 3):
        credit = store.users.get(parts[2])
        if credit is None:
            return 400, f"User: {parts[2]} not found!"
        return 200, {"user_id": parts[2], "credit": credit}
    if key in (("POST", "payment", "add_funds", 4), ("POST", "payment", "pay", 4)):
        amount = int(parts[3])
        new = (add_credit if parts[1] == "add_funds" else pay)(store, parts[2], amount)
        if new is None:
            return 400, f"User: {parts[2]} not found or out of credit!"
        return 200, f"User: {parts[2]} credit updated to: {new}"
    if key == ("POST", "orders", "create", 3):
        order_id = str(uuid.uuid4())
        with store.lock:
            store.orders[order_id] = {
                "paid": False, "items": [], "user_id": parts[2], "total_cost": 0,
            }
        return 200, {"order_id": order_id}
    if key == ("POST", "orders", "batch_init", 6):
        count, items, users, price = (int(p) for p in parts[2:6])
        with store.lock:
            for i in range(count):
                store.orders[str(i)] = {
                    "paid": False,
                    "items": [[str(store.random.randrange(items)), 1] for _ in range(2)],
                    "user_id": str(store.random.randrange(users)),
                    "total_cost": 2 * price,
                }
        return 200, {"msg": "Batch init for orders successful"}
    if key == ("GET", "orders", "find", 3):
        order = store.orders.get(parts[2])
        if order is None:
            return 400, f"Order: {parts[2]} not found!"
        return 200, {"order_id": parts[2], **order}
    if key == ("POST", "orders", "addItem", 5):
        order, item = store.orders.get(parts[2]), store.items.get(parts[3])
        if order is None or item is None:
            return 400, f"Order: {parts[2]} or item: {parts[3]} not found!"
        with store.lock:
            order["items"].append([parts[3], int(parts[4])])
            order["total_cost"] += int(parts[4]) * item["price"]
        return 200, f"Item: {parts[3]} added to: {parts[2]} price updated to: {order['total_cost']}"
    if key == ("POST", "orders", "checkout", 3):
        if store.racy:
            return checkout(store, parts[2])
        with store.lock:
            return checkout(store, parts[2])
    return 404, "Not Found"


class Server(ThreadingHTTPServer):
    """ThreadingHTTPServer with a set backlog and a pause before each accept."""

    daemon_threads = True

    def __init__(self, backlog, accept_delay_s, store):
        self.request_queue_size = backlog
        self.accept_delay_s = accept_delay_s
        self.store = store
        self.accepted = 0
        self.accepting = threading.Event()
        self.accepting.set()
        self.fillers = []
        super().__init__(("127.0.0.1", 0), Handler)

    def fill_accept_queue(self):
        """Connects to itself until a connect gets no answer: the accept queue is full."""
        while True:
            filler = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            filler.settimeout(0.2)
            try:
                filler.connect(self.server_address)
            except (TimeoutError, OSError):
                filler.close()
                return
            self.fillers.append(filler)

    def empty_accept_queue(self):
        for filler in self.fillers:
            filler.close()
        self.fillers = []

    def get_request(self):
        while not self.accepting.wait(0.05):
            pass
        time.sleep(self.accept_delay_s)
        connection = self.socket.accept()
        self.accepted += 1
        return connection


class Handler(BaseHTTPRequestHandler):
    def log_message(self, format, *args):
        pass

    def answer(self, method):
        parts = self.path.split("?")[0].strip("/").split("/")
        if method == "GET" and parts == ["_stats"]:
            store = self.server.store
            status, value = 200, {
                "accepted": self.server.accepted,
                "items": len(store.items),
                "users": len(store.users),
                "orders": len(store.orders),
            }
        else:
            try:
                status, value = route(self.server.store, method, parts)
            except ValueError:
                status, value = 500, "Internal Server Error"
        if isinstance(value, str):
            body, kind = f"<p>{value}</p>".encode(), "text/html; charset=utf-8"
        else:
            body, kind = json.dumps(value).encode(), "application/json"
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        self.answer("GET")

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length > 0:
            self.rfile.read(length)
        self.answer("POST")


def control(server):
    """Reads `pause` and `resume` lines from stdin and acknowledges each on stdout."""
    for line in sys.stdin:
        command = line.strip()
        if command == "pause":
            server.accepting.clear()
            server.fill_accept_queue()
            print("paused", flush=True)
        elif command == "resume":
            server.empty_accept_queue()
            server.accepting.set()
            print("resumed", flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--mode", choices=["correct", "racy"], default="correct")
    parser.add_argument("--backlog", type=int, default=5)
    parser.add_argument("--accept-delay-ms", type=float, default=0)
    parser.add_argument("--race-delay-ms", type=float, default=2)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    store = Store(args.mode == "racy", args.race_delay_ms / 1000, args.seed)
    server = Server(args.backlog, args.accept_delay_ms / 1000, store)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    threading.Thread(target=control, args=(server,), daemon=True).start()
    print(f"listening on http://127.0.0.1:{server.server_address[1]}", flush=True)
    server.serve_forever(poll_interval=0.05)


if __name__ == "__main__":
    main()
