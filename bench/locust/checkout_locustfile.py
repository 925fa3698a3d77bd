"""Locust's side of bench/checkout_load_vs_locust.ts, written for that bench.

The load is the shape of the course's official checkout stress test, which is what the
`checkout-only` scenario of `stress checkout load` runs: every user checks out one order drawn
uniformly from the orders that `--init` created ("0" to CHECKOUT_ORDERS - 1), with
`POST /orders/checkout/<n>` through the gateway (`--host`), then waits CHECKOUT_WAIT_S seconds
(1 in the official shape, 0 in the flat-out shape) and starts again.

Failures are counted as `stress checkout load` counts them: any answer that is not a 2xx, and
any transport error (the official test only counts a 4xx).

The bench picks one of the two user classes on locust's command line:
CheckoutHttpUser (python-requests, the client of the official test) or CheckoutFastHttpUser
(geventhttpclient).

Settings come from the environment, so that one file serves every row of the bench:
  CHECKOUT_ORDERS  how many orders exist (default 100000)
  CHECKOUT_WAIT_S  the constant wait after each checkout, in seconds (default 1)
"""

import os
import random

from locust import FastHttpUser, HttpUser, constant, task

ORDER_COUNT = int(os.environ.get("CHECKOUT_ORDERS", "100000"))
WAIT_S = float(os.environ.get("CHECKOUT_WAIT_S", "1"))
# One stats entry for every order, named as `stress checkout load` names the endpoint.
ENDPOINT_NAME = "/orders/checkout/[order_id]"


def checkout_random_order(client):
    """Sends one checkout of a random order and marks every non-2xx answer as a failure."""
    order_id = random.randrange(ORDER_COUNT)
    path = "/orders/checkout/" + str(order_id)
    with client.post(path, name=ENDPOINT_NAME, catch_response=True) as answer:
        status = answer.status_code
        if 200 <= status < 300:
            answer.success()
        else:
            answer.failure("status " + str(status))


class CheckoutHttpUser(HttpUser):
    """A user on python-requests (one keep-alive session per user)."""

    wait_time = constant(WAIT_S)

    @task
    def checkout(self):
        checkout_random_order(self.client)


class CheckoutFastHttpUser(FastHttpUser):
    """The same user on locust's faster client (geventhttpclient)."""

    wait_time = constant(WAIT_S)

    @task
    def checkout(self):
        checkout_random_order(self.client)
