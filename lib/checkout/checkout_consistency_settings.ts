/**
 * The settings of `stress checkout consistency` and what every step of its test shares.
 *
 * @module
 */

import type { CheckoutUrls } from "./checkout_urls.ts";
import type { CheckoutServices } from "./driver/checkout_services.ts";
import type { CommandIo } from "../cli/command_io.ts";

/** The settings of `stress checkout consistency`, read from its flags. */
export interface ConsistencySettings {
  /** The services' base URLs. */
  readonly urls: CheckoutUrls;
  /** Items to create. */
  readonly items: number;
  /** Starting stock of each item. */
  readonly stock: number;
  /** Price of each item. */
  readonly price: number;
  /** Users to create. */
  readonly users: number;
  /** Starting credit of each user. */
  readonly credit: number;
  /** Orders to create and check out. */
  readonly checkouts: number;
  /** Requests in flight, and connections per service. */
  readonly concurrency: number;
  /** The time limit of one request, from sending it to its answer, in ms. */
  readonly timeoutMs: number;
  /** The time limit to get a connection, in ms. */
  readonly connectTimeoutMs: number;
  /** The seed of the random users and items of the orders. */
  readonly seed: number;
  /** Where to write the JSON verdict, or null. */
  readonly jsonPath: string | null;
}

/** What every step of the test works with: the settings, the services' pools, the output. */
export interface ConsistencyRun {
  /** The settings. */
  readonly settings: ConsistencySettings;
  /** The pools of the three services. */
  readonly services: CheckoutServices;
  /** Where the progress lines go. */
  readonly io: CommandIo;
}
