// Compile Solidity with the pinned solcjs (soljson.js ships inside the npm package: no
// download). Standard JSON input on stdin, standard JSON output on stdout.
"use strict";
const solc = require("solc");

const chunks = [];
process.stdin.on("data", (chunk) => chunks.push(chunk));
process.stdin.on("end", () => {
    process.stdout.write(solc.compile(Buffer.concat(chunks).toString("utf8")));
});
