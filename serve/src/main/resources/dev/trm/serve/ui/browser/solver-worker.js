// The recursion off the page's thread: this Web Worker holds ONNX Runtime Web and one model, and runs
// solves that the page asks for, posting every step back. Messages in:
//   { type: "load", url } or { type: "load", bytes }   -> { type: "loaded", info, ms } or { type: "error", message }
//   { type: "solve", id, puzzle, policy }               -> { type: "step", id, ... } per step, then
//                                                          { type: "solution", id, ... } or { type: "error", id, message }
//   { type: "stop", id }                                -> the solve ends before its next step ({ type: "stopped", id })
// Loads and solves are handled in the order they came.
import * as ort from "../ort/ort.wasm.min.mjs";
import { StepModel, solve } from "./recursion.js";

ort.env.wasm.wasmPaths = new URL("../ort/", import.meta.url).href;
// Threads need a cross-origin isolated page (SharedArrayBuffer), which a plain static server does not
// give: one thread everywhere, so that every host runs the same kernels.
ort.env.wasm.numThreads = 1;
ort.env.logLevel = "error";

// ONNX Runtime Web's WebAssembly ships gzipped (3.7 MB, not 14 MB; fetch-onnxruntime-web.sh): the worker
// inflates it once, before the first model loads. A server that adds Content-Encoding: gzip for ".gz" has
// the browser inflate it already, so the bytes are checked for gzip's magic number first.
const ENGINE = new URL("../ort/ort-wasm-simd-threaded.wasm.gz", import.meta.url);
const GZIP_MAGIC = [0x1f, 0x8b];

async function engineBinary() {
  const res = await fetch(ENGINE);
  if (!res.ok) throw new Error(`${ENGINE.pathname}: ${res.status} ${res.statusText}`);
  const bytes = new Uint8Array(await res.arrayBuffer());
  if (bytes[0] !== GZIP_MAGIC[0] || bytes[1] !== GZIP_MAGIC[1]) return bytes;
  const inflated = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  return new Uint8Array(await new Response(inflated).arrayBuffer());
}

let model = null;
const stopped = new Set();

class Stopped extends Error {}

async function load(message) {
  const t0 = performance.now();
  ort.env.wasm.wasmBinary ??= await engineBinary();
  let bytes = message.bytes;
  if (!bytes) {
    const res = await fetch(message.url, { headers: message.token ? { Authorization: `Bearer ${message.token}` } : {} });
    if (!res.ok) throw new Error(`${message.url}: ${res.status} ${res.statusText}`);
    bytes = await res.arrayBuffer();
  }
  model = await StepModel.load(ort, new Uint8Array(bytes), { executionProviders: ["wasm"] });
  const { task, nSup, seqLen, hidden } = model.info;
  postMessage({ type: "loaded", info: { task, nSup, seqLen, hidden, bytes: bytes.byteLength }, ms: performance.now() - t0 });
}

async function run({ id, puzzle, policy }) {
  if (!model) throw new Error("no model is loaded");
  const t0 = performance.now();
  const result = await solve(model, puzzle, policy, async (step) => {
    if (stopped.has(id)) throw new Stopped();
    postMessage({ type: "step", id, copy: 0, ...step });
  });
  postMessage({ type: "solution", id, ...result, ms: performance.now() - t0 });
}

async function handle(data) {
  try {
    if (data.type === "load") await load(data);
    else await run(data);
  } catch (e) {
    if (e instanceof Stopped) postMessage({ type: "stopped", id: data.id });
    else postMessage({ type: "error", id: data.id, message: e.message || String(e) });
  } finally {
    stopped.delete(data.id);
  }
}

// Loads and solves run one after another (one session runs one step at a time); a stop acts at once.
let queue = Promise.resolve();
onmessage = ({ data }) => {
  if (data.type === "stop") stopped.add(data.id);
  else queue = queue.then(() => handle(data));
};
