// The page: wires the board, the controls and the step stream; keeps the run for the replay slider.
// A run goes to the server (its step stream) or stays in this browser (ONNX Runtime Web in a Worker);
// both send the same events. A static folder from `trm page` has no server: browser only.
import { Board } from "./board.js";
import { solveStream, getJson } from "./stream.js";
import { BrowserSolver, POLICIES, EFFORTS } from "./browser/browser-solver.js";

const EXAMPLES = {
  everyday: ".8.1.....16.9785...9...2.8161..5..93.2.....7.....8....246.9....35.6...47.7..356..",
  hard: "98.76.5..7..5...9...5...6..4....3....7......9..897..6..2......3..738..5.......1..",
};
const TOKEN_KEY = "trm-token";
const $ = (id) => document.getElementById(id);

const board = new Board($("board"));
let history = [];
let running = null;
/** What ui/site.json says: { mode: "server" }, or { mode: "static", models: [{ name, task, url }] } for a static folder. */
let site = { mode: "server" };
let browserSolver = null; // made when the browser first runs a model
const pickedFile = "file"; // the model select's value for a file from this computer

function status(text, isError = false) {
  $("status").textContent = text;
  $("status").classList.toggle("error", isError);
}

function token() {
  return $("token").value || sessionStorage.getItem(TOKEN_KEY) || "";
}

function needToken() {
  $("token-row").hidden = false;
  $("token").focus();
  status("This server needs a token: type it, then try again.", true);
}

async function loadModels() {
  if (site.mode === "static") {
    listModels(site.models);
    return;
  }
  try {
    const { models } = await getJson("/v1/models", token());
    listModels(models.map((m) => ({ name: m.name, task: m.task, url: `/v1/models/${encodeURIComponent(m.name)}/onnx` })));
  } catch (e) {
    if (e.status === 401) needToken();
    else status(`Could not list the models: ${e.message}`, true);
  }
}

function listModels(models) {
  const select = $("model");
  select.replaceChildren(...models.map((m) => new Option(`${m.name} (${m.task})`, m.name)), new Option("a file from this computer...", pickedFile));
  select.dataset.models = JSON.stringify(models);
  modelChosen();
}

function inBrowser() {
  return $("where").value === "browser";
}

/** Shows the controls of the place a run goes: the browser runs the plain effort only, with a halting policy. */
function whereChosen() {
  const browser = inBrowser();
  $("policy-row").hidden = !browser;
  for (const option of $("effort").options) option.disabled = browser && !EFFORTS.includes(option.value);
  if (browser && !EFFORTS.includes($("effort").value)) $("effort").value = EFFORTS[0];
  modelChosen();
}

function modelChosen() {
  const file = $("model").value === pickedFile;
  $("model-file").hidden = !(file && inBrowser());
  if (file && !inBrowser()) $("model").selectedIndex = 0; // the server runs its own models only
}

/** The browser solver with the chosen model loaded (loaded again only when the choice changed). */
async function browserModel() {
  browserSolver ??= new BrowserSolver();
  let source;
  if ($("model").value === pickedFile) {
    const file = $("model-file").files[0];
    if (!file) throw new Error("pick a model file (.onnx) first");
    source = { name: `file:${file.name}:${file.size}:${file.lastModified}`, file };
  } else {
    const model = JSON.parse($("model").dataset.models || "[]").find((m) => m.name === $("model").value);
    if (!model) throw new Error("no model to run");
    if (model.task !== "sudoku") throw new Error(`this page draws Sudoku models; ${model.name} is a ${model.task} model`);
    source = { url: model.url };
  }
  if (browserSolver.loaded !== (source.url ?? source.name)) {
    status("Loading the model into this browser...");
    if (source.file) source.bytes = await source.file.arrayBuffer();
    const { info, ms } = await browserSolver.load(source, token());
    status(`Model loaded in this browser (${(info.bytes / 1e6).toFixed(1)} MB, ${Math.round(ms)} ms).`);
  }
  return browserSolver;
}

function show(step) {
  board.drawStep(step.answer, step.changed, step.confidence);
  $("step").textContent = step.step;
  $("halt").value = step.halt_probability;
  $("halt-value").textContent = step.halt_probability.toFixed(3);
}

function onEvent(run, name, data) {
  if (running !== run) return; // a run stopped or replaced
  if (name === "step") {
    run.copies.add(data.copy);
    $("copies").textContent = run.copies.size;
    if (data.copy === 0) {
      history.push(data);
      show(data);
    }
  } else if (name === "solution") {
    const verdict = data.solved_by === "exact" ? "fallback: the exact solver finished it"
      : data.solved ? "verified" : "unverified";
    board.drawStep(data.answer, [], null);
    $("result").textContent = `${verdict}, ${data.steps} steps, ${data.copies} ${data.copies === 1 ? "copy" : "copies"}`
      + (data.halted_by ? `, halted by ${data.halted_by}` : "");
    const where = run.inBrowser ? " in this browser" : "";
    status(`${verdict[0].toUpperCase()}${verdict.slice(1)}${where} in ${Math.round(performance.now() - run.t0)} ms.`);
  } else if (name === "error") {
    status(`The server says: ${data.error}`, true);
  }
}

async function solve() {
  const models = JSON.parse($("model").dataset.models || "[]");
  const chosen = models.find((m) => m.name === $("model").value);
  if (!inBrowser() && chosen && chosen.task !== "sudoku") {
    status(`This page draws Sudoku models; ${chosen.name} is a ${chosen.task} model (use POST /v1/solve).`, true);
    return;
  }
  stop();
  history = [];
  $("replay").disabled = true;
  $("result").textContent = "-";
  const run = { abort: new AbortController(), copies: new Set(), t0: performance.now(), inBrowser: inBrowser() };
  running = run;
  const puzzle = board.puzzle();
  board.setPuzzle(puzzle);
  if ($("token").value) sessionStorage.setItem(TOKEN_KEY, $("token").value);
  const onRunEvent = (name, data) => onEvent(run, name, data);
  try {
    if (run.inBrowser) {
      const solver = await browserModel();
      if (running !== run) return;
      run.t0 = performance.now(); // from pressing Solve with the model loaded
      status("Thinking in this browser...");
      await solver.solve(puzzle, $("policy").value, onRunEvent, run.abort.signal);
    } else {
      status("Thinking...");
      const body = { puzzles: [puzzle], effort: $("effort").value };
      if (chosen) body.model = chosen.name;
      await solveStream(body, token(), onRunEvent, run.abort.signal);
    }
  } catch (e) {
    if (e.name === "AbortError") return;
    if (e.status === 401) needToken();
    else status(run.inBrowser ? `In this browser: ${e.message}` : `The server says: ${e.message}`, true);
  }
  if (running !== run) return;
  if (history.length > 0) {
    $("replay").max = history.length;
    $("replay").value = history.length;
    $("replay").disabled = false;
    $("replay-step").textContent = history.length;
  }
}

$("solve").addEventListener("click", solve);
function stop() {
  if (running) running.abort.abort(); // closes the stream: the server takes the puzzle out of its batch
  running = null;
}

$("clear").addEventListener("click", () => {
  stop();
  board.clear();
  history = [];
  $("replay").disabled = true;
  status("Ready.");
});
$("load").addEventListener("click", () => {
  if (board.setPuzzle($("paste").value)) status("Ready.");
  else status("A puzzle is 81 characters: digits 1-9, and . or 0 for blanks.", true);
});
$("example").addEventListener("change", () => {
  const text = EXAMPLES[$("example").value];
  if (text) {
    board.setPuzzle(text);
    $("paste").value = text;
    if ($("example").value === "hard") $("effort").value = "max";
  }
});
$("replay").addEventListener("input", () => {
  const step = history[$("replay").value - 1];
  if (step) {
    show(step);
    $("replay-step").textContent = step.step;
  }
});
$("token").addEventListener("change", loadModels);
$("where").addEventListener("change", whereChosen);
$("model").addEventListener("change", modelChosen);
window.addEventListener("pagehide", stop);
board.cells[0].focus();
$("policy").replaceChildren(...POLICIES.map((p) => new Option(p, p)));

async function start() {
  try {
    site = await getJson("ui/site.json");
  } catch (e) {
    status(`Could not read ui/site.json: ${e.message}`, true);
  }
  if (site.mode === "static") { // no server behind this folder: the browser runs everything
    $("where").value = "browser";
    $("where").querySelector('option[value="server"]').disabled = true;
  }
  whereChosen();
  await loadModels();
}
start();
