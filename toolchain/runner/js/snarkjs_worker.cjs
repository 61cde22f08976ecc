"use strict";
/*
 * zk-toolchain's persistent snarkjs worker: the pinned snarkjs used as a library in one long-lived
 * process, proving keys and witness wasm kept loaded (LRU-bounded by count and bytes).
 *
 *   node snarkjs_worker.cjs --node-modules=DIR [--max-entries=N] [--max-bytes=B]
 *
 * One JSON request per stdin line, one JSON response per stdout line, answered in order:
 *   {"id", "op": "ping"}                              → {"id", "ok": true}
 *   {"id", "op": "prove", "zkey", "wtns"}             → {"id", "ok": true, "proof", "publicSignals"}
 *   {"id", "op": "fullprove", "zkey", "wasm", "input"} (input: a JSON file)       → the same
 *       both take "protocol": "groth16" (the default), "plonk" or "fflonk": snarkjs's prover of
 *       that name (it refuses a key of another protocol)
 *   {"id", "op": "verify", "vkey", "proof", "public"} → {"id", "ok": true, "valid"}
 *       the verifier of the protocol the key names
 *   {"id", "op": "vkey", "zkey"}                      → {"id", "ok": true, "vkey"} (any protocol)
 *   {"id", "op": "stats"}                             → {"id", "ok": true, "entries", "loads", ...}
 *   any failure                                       → {"id", "ok": false, "error": one line}
 * Every path must be absolute and is read as given: the parent decides what the worker reads.
 * A cached file is reloaded when its size or mtime changes. stdout carries responses only: console
 * output (snarkjs, the circuit's log()) goes to stderr. SIGINT is ignored (a Ctrl-C is the
 * parent's to handle); EOF on stdin ends the worker after the request under way.
 */

const fs = require("fs");
const path = require("path");
const readline = require("readline");
const { createRequire } = require("module");

const respond = process.stdout.write.bind(process.stdout);
process.stdout.write = process.stderr.write.bind(process.stderr);
for (const method of ["log", "info", "debug", "warn"]) console[method] = console.error;

const MAX_REQUEST = 1 << 20;
const MAX_ERROR = 300;

function option(name, fallback) {
    const prefix = `--${name}=`;
    const found = process.argv.find((arg) => arg.startsWith(prefix));
    if (found === undefined && fallback === undefined) throw new Error(`--${name} is required`);
    return found === undefined ? fallback : found.slice(prefix.length);
}

const fromModules = createRequire(path.join(path.resolve(option("node-modules")), "worker.cjs"));
const snarkjs = fromModules("snarkjs");
const fromSnarkjs = createRequire(fromModules.resolve("snarkjs"));
const { WitnessCalculatorBuilder } = fromSnarkjs("circom_runtime");
const { unstringifyBigInts, stringifyBigInts } = fromSnarkjs("ffjavascript").utils;
const PROTOCOLS = ["groth16", "plonk", "fflonk"];
// snarkjs's PLONK and fflonk verifiers log through a logger they do not check for: a silent one.
const QUIET = { debug() {}, info() {}, warn() {}, error() {} };

class Lru {
    constructor(maxEntries, maxBytes) {
        this.maxEntries = maxEntries;
        this.maxBytes = maxBytes;
        this.entries = new Map();
        this.loadCounts = new Map();
        this.bytes = 0;
        this.hits = 0;
        this.evictions = 0;
    }

    async get(kind, file, load) {
        const key = `${kind}:${file}`;
        const stat = await fileCall(kind, file, () => fs.promises.stat(file, { bigint: true }));
        const stamp = `${stat.size}:${stat.mtimeNs}`;
        const found = this.entries.get(key);
        if (found !== undefined) this.remove(key);
        if (found !== undefined && found.stamp === stamp) {
            this.hits += 1;
            return this.insert(key, found);
        }
        const value = await load(file);
        this.loadCounts.set(key, (this.loadCounts.get(key) || 0) + 1);
        return this.insert(key, { kind, file, stamp, bytes: Number(stat.size), value, uses: 0 });
    }

    insert(key, entry) {
        entry.uses += 1;
        this.entries.set(key, entry);
        this.bytes += entry.bytes;
        // Oldest first; the newest goes too when it alone is over the bound (used, not kept).
        for (const old of this.entries.keys()) {
            if (this.entries.size <= this.maxEntries && this.bytes <= this.maxBytes) break;
            this.remove(old);
            this.evictions += 1;
        }
        return entry.value;
    }

    remove(key) {
        this.bytes -= this.entries.get(key).bytes;
        this.entries.delete(key);
    }

    stats() {
        const entries = [...this.entries].map(([key, e]) => ({
            kind: e.kind, path: e.file, bytes: e.bytes, uses: e.uses,
            loads: this.loadCounts.get(key),
        }));
        const loads = [...this.loadCounts.values()].reduce((a, b) => a + b, 0);
        return {
            entries, loads, hits: this.hits, evictions: this.evictions, bytes: this.bytes,
            maxEntries: this.maxEntries, maxBytes: this.maxBytes,
        };
    }
}

const cache = new Lru(
    positiveInteger("max-entries", option("max-entries", "8")),
    positiveInteger("max-bytes", option("max-bytes", String(2 ** 31))),
);

function positiveInteger(name, text) {
    const value = Number(text);
    if (!Number.isSafeInteger(value) || value < 1) throw new Error(`--${name}=${text}: not a positive integer`);
    return value;
}

const FILE_FAULTS = { ENOENT: "not found", EISDIR: "is a directory", EACCES: "permission denied" };

async function fileCall(field, file, call) {
    try {
        return await call();
    } catch (err) {
        throw new Error(`${field} ${file}: ${FILE_FAULTS[err.code] || oneLine(err)}`);
    }
}

function pathField(request, field) {
    const value = request[field];
    if (typeof value !== "string" || !path.isAbsolute(value)) {
        throw new Error(`${field}: expected an absolute path`);
    }
    return value;
}

async function readBytes(field, file) {
    return fileCall(field, file, () => fs.promises.readFile(file));
}

async function readJson(field, file) {
    const text = (await readBytes(field, file)).toString("utf8");
    try {
        return JSON.parse(text);
    } catch (err) {
        throw new Error(`${field} ${file}: not valid JSON: ${oneLine(err)}`);
    }
}

// A file in memory for snarkjs; its messages name it by `${file}`, so it prints as its path.
function inMemory(file, data) {
    return { type: "mem", data, toString: () => file };
}

async function loadZkey(file) {
    return inMemory(file, new Uint8Array(await readBytes("zkey", file)));
}

async function loadWasm(file) {
    const calculator = await WitnessCalculatorBuilder(await readBytes("wasm", file));
    if (calculator.circom_version() < 2) throw new Error(`wasm ${file}: not a circom 2 witness wasm`);
    return calculator;
}

function protocolOf(value, field) {
    const protocol = value === undefined ? "groth16" : value;
    if (!PROTOCOLS.includes(protocol)) {
        throw new Error(`${field}: ${JSON.stringify(protocol)}: expected one of ${PROTOCOLS.join(", ")}`);
    }
    return protocol;
}

// The proof as the CLI writes it: every number a decimal string, whichever prover made it.
async function proveWith(protocol, zkey, wtns) {
    const { proof, publicSignals } = await snarkjs[protocol].prove(zkey, wtns);
    return { proof: stringifyBigInts(proof), publicSignals: stringifyBigInts(publicSignals) };
}

async function prove(request) {
    const protocol = protocolOf(request.protocol, "protocol");
    const zkey = await cache.get("zkey", pathField(request, "zkey"), loadZkey);
    const file = pathField(request, "wtns");
    const wtns = inMemory(file, await readBytes("wtns", file));
    return proveWith(protocol, zkey, wtns);
}

async function fullprove(request) {
    const protocol = protocolOf(request.protocol, "protocol");
    const calculator = await cache.get("wasm", pathField(request, "wasm"), loadWasm);
    const input = unstringifyBigInts(await readJson("input", pathField(request, "input")));
    const wtns = inMemory("the witness", await calculator.calculateWTNSBin(input, true));
    const zkey = await cache.get("zkey", pathField(request, "zkey"), loadZkey);
    return proveWith(protocol, zkey, wtns);
}

async function verify(request) {
    const vkey = await readJson("vkey", pathField(request, "vkey"));
    const proof = await readJson("proof", pathField(request, "proof"));
    const signals = await readJson("public", pathField(request, "public"));
    const protocol = protocolOf(vkey === null ? undefined : vkey.protocol, "vkey protocol");
    // snarkjs itself does not check the count: extra signals would be ignored.
    if (!Array.isArray(signals)) throw new Error("public: expected a JSON array of signals");
    if (signals.length !== vkey.nPublic) {
        throw new Error(`public: ${signals.length} signals, the key has ${vkey.nPublic}`);
    }
    return { valid: await snarkjs[protocol].verify(vkey, signals, proof, QUIET) };
}

async function exportVkey(request) {
    const zkey = await cache.get("zkey", pathField(request, "zkey"), loadZkey);
    return { vkey: stringifyBigInts(await snarkjs.zKey.exportVerificationKey(zkey)) };
}

const OPS = {
    ping: async () => ({}),
    stats: async () => cache.stats(),
    prove,
    fullprove,
    verify,
    vkey: exportVkey,
};

function oneLine(err) {
    const text = String(err && err.message !== undefined ? err.message : err);
    const line = text.replace(/\s+/g, " ").replace(/^(Error: )+/, "").trim() || "unknown error";
    return line.length <= MAX_ERROR ? line : `${line.slice(0, MAX_ERROR - 1)}…`;
}

function parseRequest(line) {
    if (line.length > MAX_REQUEST) throw new Error(`request longer than ${MAX_REQUEST} characters`);
    let request;
    try {
        request = JSON.parse(line);
    } catch (err) {
        throw new Error(`malformed request: ${oneLine(err)}`);
    }
    if (request === null || typeof request !== "object" || Array.isArray(request)) {
        throw new Error("malformed request: expected a JSON object");
    }
    return request;
}

function requestId(request) {
    const id = request.id;
    const valid = typeof id === "string" || Number.isSafeInteger(id);
    if (!valid) throw new Error("malformed request: id must be a string or an integer");
    return id;
}

async function answer(line) {
    let id = null;
    try {
        const request = parseRequest(line);
        id = requestId(request);
        if (typeof request.op !== "string" || !Object.hasOwn(OPS, request.op)) {
            throw new Error(`unknown op ${JSON.stringify(request.op)}: expected one of ${Object.keys(OPS).join(", ")}`);
        }
        send({ id, ok: true, ...(await OPS[request.op](request)) });
    } catch (err) {
        send({ id, ok: false, error: oneLine(err) });
    }
}

function send(response) {
    respond(`${JSON.stringify(response)}\n`);
}

process.on("SIGINT", () => {});
let queue = Promise.resolve();
const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
lines.on("line", (line) => {
    queue = queue.then(() => answer(line));
});
lines.on("close", () => queue.then(() => process.exit(0)));
