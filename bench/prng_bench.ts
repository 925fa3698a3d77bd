import { Prng } from "../lib/core/prng.ts";

const prng = new Prng(1);
let sink = 0;
let cycle = 0;

// --- double: one uniform number in [0, 1) ----------------------------------------------------

Deno.bench({
  name: "Math.random()",
  group: "double",
  baseline: true,
  fn: () => {
    sink += Math.random();
  },
});

Deno.bench({
  name: "Prng.nextDouble()",
  group: "double",
  fn: () => {
    sink += prng.nextDouble();
  },
});

Deno.bench({
  name: "Prng.nextUint32()",
  group: "double",
  fn: () => {
    sink += prng.nextUint32();
  },
});

// --- gaussian: one standard normal ------------------------------------------------------------

Deno.bench({
  name: "Box-Muller over Math.random()",
  group: "gaussian",
  baseline: true,
  fn: () => {
    sink += Math.sqrt(-2 * Math.log(1 - Math.random())) * Math.cos(2 * Math.PI * Math.random());
  },
});

Deno.bench({
  name: "Prng.nextGaussian()",
  group: "gaussian",
  fn: () => {
    sink += prng.nextGaussian();
  },
});

// --- reseed: derive an operation's stream from its cycle, then draw once ----------------------

Deno.bench({
  name: "new Prng(cycle).nextDouble()",
  group: "reseed",
  baseline: true,
  fn: () => {
    sink += new Prng(cycle++).nextDouble();
  },
});

Deno.bench({
  name: "prng.reseed(cycle); nextDouble()",
  group: "reseed",
  fn: () => {
    prng.reseed(cycle++);
    sink += prng.nextDouble();
  },
});
