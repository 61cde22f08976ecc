// Preloaded with `node --require` by regenerate.py so that snarkjs's output is reproducible.
// Node's CSPRNG is replaced by a SHA-256 counter stream keyed by $ZKT_VECTOR_SEED: keys made
// this way are PUBLIC test vectors, never usable for anything real.
"use strict";
const crypto = require("crypto");

const seed = process.env.ZKT_VECTOR_SEED;
if (!seed) {
    throw new Error("deterministic_random.cjs: set ZKT_VECTOR_SEED");
}
let counter = 0;
let pool = Buffer.alloc(0);

function nextBytes(n) {
    while (pool.length < n) {
        const block = crypto.createHash("sha256").update(`${seed}/${counter}`).digest();
        counter += 1;
        pool = Buffer.concat([pool, block]);
    }
    const out = pool.subarray(0, n);
    pool = pool.subarray(n);
    return out;
}

function fill(view, offset, size) {
    const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
    const start = offset || 0;
    const len = size === undefined ? bytes.length - start : size;
    bytes.set(nextBytes(len), start);
    return view;
}

crypto.randomFillSync = fill;
crypto.randomBytes = (n) => Buffer.from(nextBytes(n));
if (globalThis.crypto && globalThis.crypto.getRandomValues) {
    globalThis.crypto.getRandomValues = (view) => fill(view);
}
