// The runtime's loop in the browser, for one puzzle: the exported step run again and again on y and z,
// the answer read after each step, and the halting policy asked whether to stop. It follows the Java
// runtime's Solver for the plain effort (one copy, up to N_sup steps); the conformance test holds the two
// to the same answers, steps and halting.
import { readMetadata } from "./onnx-metadata.js";
import * as sudoku from "./sudoku.js";

/** The policies this loop runs, by the names the runtime uses (any of them joined by + is one too). */
export const POLICIES = ["verified+q-halt", "verified", "q-halt", "fixed"];
/** The efforts this loop runs: plain only (adaptive and max run augmented copies; the server runs those). */
export const EFFORTS = ["plain"];
/** The reason a puzzle stopped when no policy fired before the model's N_sup steps. */
export const MAX_STEPS = "max-steps";
const Q_HALT = "q-halt";
const DEFAULT_Q_HALT_THRESHOLD = 0.5;
/** The halting rule of a model trained with the Q-learning continue loss (official HRM runs). */
const HALT_ON_CONTINUE = "q_halt>q_continue";
const FORMAT_VERSION = "1";

/** What the loop needs from the model's metadata (the runtime's ModelInfo). */
export function modelInfo(metadata) {
  const need = (key) => {
    const v = metadata.get(`trm.${key}`);
    if (v === undefined || v === "") throw new Error(`the model's metadata lacks trm.${key}: export it with trm-export`);
    return v;
  };
  const count = (key) => {
    const n = Number(need(key));
    if (!Number.isInteger(n) || n <= 0) throw new Error(`trm.${key} is '${need(key)}', not a positive whole number`);
    return n;
  };
  if (need("format_version") !== FORMAT_VERSION) throw new Error(`TRM format ${need("format_version")}; this page reads ${FORMAT_VERSION}`);
  const info = {
    task: need("task"),
    seqLen: count("S"),
    workingLength: count("L"),
    hidden: count("D"),
    vocab: count("V"),
    nSup: count("N_sup"),
    haltsOnContinue: metadata.get("trm.halt_rule") === HALT_ON_CONTINUE,
  };
  if (info.task !== "sudoku") throw new Error(`a ${info.task} model: this page solves Sudoku`);
  info.codec = sudoku.parseCodec(need("codec"));
  info.yInit = floats(need("y_init"), info.hidden, "trm.y_init");
  info.zInit = floats(need("z_init"), info.hidden, "trm.z_init");
  return info;
}

/** A base64 vector of little-endian float32s. */
function floats(base64, expected, key) {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  if (bytes.length !== expected * 4) throw new Error(`${key} holds ${bytes.length / 4} floats, expected D = ${expected}`);
  const view = new DataView(bytes.buffer);
  return Float32Array.from({ length: expected }, (_, i) => view.getFloat32(i * 4, true));
}

/** A policy by its name: fixed, q-halt, q-halt:P, verified, or several joined by +; the first that fires names the reason. */
export function parsePolicy(text) {
  const rules = text.split("+").map((part) => {
    const name = part.trim();
    if (name === "fixed") return { name, halts: () => false };
    if (name === "verified") return { name, halts: (s) => s.solved };
    if (name === Q_HALT || name.startsWith(`${Q_HALT}:`)) {
      const threshold = name === Q_HALT ? DEFAULT_Q_HALT_THRESHOLD : Number(name.slice(Q_HALT.length + 1));
      if (!(threshold > 0 && threshold < 1)) throw new Error(`policy '${name}': the threshold must lie in (0, 1)`);
      return { name: Q_HALT, halts: (s) => s.haltProbability > threshold };
    }
    throw new Error(`unknown halting policy '${name}' (fixed, q-halt[:P], verified, A+B)`);
  });
  return { reason: (state) => rules.find((r) => r.halts(state))?.name ?? null };
}

/** A loaded step file: the session and what its metadata says. */
export class StepModel {
  constructor(ort, session, info) {
    this.ort = ort;
    this.session = session;
    this.info = info;
  }

  static async load(ort, bytes, sessionOptions = {}) {
    const info = modelInfo(readMetadata(bytes));
    const session = await ort.InferenceSession.create(bytes, sessionOptions);
    return new StepModel(ort, session, info);
  }

  /** One supervision step of one puzzle: y and z in, y', z', the logits and the halting logit out. */
  async step(tokens, y, z) {
    const { ort, info } = this;
    const state = [1, info.workingLength, info.hidden];
    const out = await this.session.run({
      tokens: new ort.Tensor("int64", tokens, [1, info.seqLen]),
      puzzle_ids: new ort.Tensor("int64", new BigInt64Array(1), [1]),
      y: new ort.Tensor("float32", y, state),
      z: new ort.Tensor("float32", z, state),
    });
    const qHalt = out.q_halt.data[0];
    // HRM's halting logit, q_halt - q_continue, in float32 as the runtime computes it
    const haltLogit = info.haltsOnContinue ? Math.fround(qHalt - out.q_continue.data[0]) : qHalt;
    return { y: out.y_next.data, z: out.z_next.data, logits: out.logits.data, haltLogit };
  }
}

/** y_init (or z_init) repeated for every position of the working sequence. */
function initialState(vector, length) {
  const out = new Float32Array(vector.length * length);
  for (let p = 0; p < length; p++) out.set(vector, p * vector.length);
  return out;
}

/** Index of the largest of logits[from .. from + n), the first on ties (the runtime's StepContract.argmax). */
function argmax(logits, from, n) {
  let best = 0;
  for (let i = 1; i < n; i++) if (logits[from + i] > logits[from + best]) best = i;
  return best;
}

/** Each cell's largest softmax probability: how sure the model is of the digit it shows. */
function confidence(logits, cells, vocab) {
  const out = new Array(cells);
  for (let c = 0; c < cells; c++) {
    const at = c * vocab;
    const max = logits[at + argmax(logits, at, vocab)];
    let sum = 0;
    for (let k = 0; k < vocab; k++) sum += Math.exp(logits[at + k] - max);
    out[c] = 1 / sum;
  }
  return out;
}

/**
 * Solves one puzzle with the plain effort: steps until the policy fires or N_sup steps ran. Calls
 * onStep({ step, answer, halt_probability, solved, changed, confidence }) after every step (awaited,
 * so a caller can stop the loop by throwing); returns { answer, steps, solved, halted_by }.
 */
export async function solve(model, puzzle, policyName, onStep = async () => {}) {
  const { info } = model;
  const policy = parsePolicy(policyName);
  const question = sudoku.parseGrid(puzzle);
  if (!sudoku.isConsistent(question)) throw new Error("contradictory givens: a digit appears twice in a row, column or box");
  const tokens = BigInt64Array.from(sudoku.encode(question, info.codec), BigInt);
  let y = initialState(info.yInit, info.workingLength);
  let z = initialState(info.zInit, info.workingLength);
  let previous = sudoku.toLine(question);
  for (let step = 1; ; step++) {
    const out = await model.step(tokens, y, z);
    const predicted = new Array(info.seqLen);
    for (let c = 0; c < info.seqLen; c++) predicted[c] = argmax(out.logits, c * info.vocab, info.vocab);
    const grid = sudoku.decode(predicted, info.codec);
    const answer = sudoku.toLine(grid);
    const state = {
      step,
      answer,
      haltProbability: Math.fround(1 / (1 + Math.exp(-out.haltLogit))),
      solved: sudoku.isSolution(question, grid),
    };
    const changed = [];
    for (let c = 0; c < answer.length; c++) if (answer[c] !== previous[c]) changed.push(c);
    previous = answer;
    await onStep({
      step, answer, halt_probability: state.haltProbability, solved: state.solved, changed,
      confidence: confidence(out.logits, info.seqLen, info.vocab),
    });
    const reason = policy.reason(state) ?? (step >= info.nSup ? MAX_STEPS : null);
    if (reason) return { answer, steps: step, solved: state.solved, halted_by: reason };
    y = out.y;
    z = out.z;
  }
}
